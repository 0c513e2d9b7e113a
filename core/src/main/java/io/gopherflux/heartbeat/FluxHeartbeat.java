package io.gopherflux.heartbeat;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.stream.Stream;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * Merges a stream of results with a stream of pulse triggers into one stream of {@link Beat}s:
 * results keep full backpressure (they are asked for no more than downstream has asked for and
 * not yet received, and at most {@code prefetch} ahead), while a pulse trigger that finds no
 * outstanding demand is dropped on the spot.
 *
 * @param <T> the type of the results
 */
final class FluxHeartbeat<T> extends Flux<Beat<T>> implements Scannable {

	final Publisher<? extends T> results;
	final Publisher<?> pulses;
	final int prefetch;

	private FluxHeartbeat(Publisher<? extends T> results, Publisher<?> pulses, int prefetch) {
		this.results = results;
		this.pulses = pulses;
		this.prefetch = prefetch;
	}

	/** The operator, through Reactor's assembly hooks; foreign sources become Reactor ones. */
	static <T> Flux<Beat<T>> create(Publisher<? extends T> results, Publisher<?> pulses, int prefetch) {
		return onAssembly(new FluxHeartbeat<>(Operators.toFluxOrMono(results), Operators.toFluxOrMono(pulses), prefetch));
	}

	@Override
	public void subscribe(CoreSubscriber<? super Beat<T>> actual) {
		HeartbeatMain<T> main = new HeartbeatMain<>(actual, prefetch);
		actual.onSubscribe(main);
		pulses.subscribe(main.pulseSubscriber);
		results.subscribe(main.resultSubscriber);
	}

	@Override
	public int getPrefetch() {
		return prefetch;
	}

	@Override
	public Object scanUnsafe(Attr key) {
		if (key == Attr.PREFETCH) {
			return prefetch;
		}
		if (key == Attr.RUN_STYLE) {
			return Attr.RunStyle.SYNC;
		}
		return null;
	}

	/*
	 * State machine, advanced by drain() under the WIP counter:
	 * - queued results are emitted while there is demand;
	 * - results are asked only for demand downstream made and that they have not been asked for
	 *   yet (at most `prefetch` in flight or queued), in batches of `limit` unless nothing is in
	 *   flight; a pulse may take demand that the results were asked for, then the result waits in
	 *   the queue for the next request, which the queue's bound of `prefetch` always has room for;
	 * - a pulse trigger is parked in `pendingPulse`; the next pass of drain() emits one pulse if
	 *   demand is left after the results, and otherwise discards the trigger: pulses are never
	 *   held for later, and a trigger replaced by a newer one before a pass is discarded too;
	 * - the results' completion or error is emitted once the queued results are drained: a
	 *   result is never lost to a later error; an error of the pulses or a bad request is emitted
	 *   at once and discards the queued results; completion of the pulses only stops the pulses;
	 * - cancellation, error or completion cancel both sources.
	 */
	static final class HeartbeatMain<T> implements Subscription, Scannable {

		final CoreSubscriber<? super Beat<T>> actual;
		final int prefetch;
		final int limit;
		final Queue<T> queue;
		final ResultSubscriber<T> resultSubscriber;
		final PulseSubscriber pulseSubscriber;

		volatile long requested;
		@SuppressWarnings("rawtypes")
		static final AtomicLongFieldUpdater<HeartbeatMain> REQUESTED =
				AtomicLongFieldUpdater.newUpdater(HeartbeatMain.class, "requested");

		volatile int wip;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<HeartbeatMain> WIP =
				AtomicIntegerFieldUpdater.newUpdater(HeartbeatMain.class, "wip");

		volatile Throwable error;
		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<HeartbeatMain, Throwable> ERROR =
				AtomicReferenceFieldUpdater.newUpdater(HeartbeatMain.class, Throwable.class, "error");

		volatile Object pendingPulse;
		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<HeartbeatMain, Object> PENDING_PULSE =
				AtomicReferenceFieldUpdater.newUpdater(HeartbeatMain.class, Object.class, "pendingPulse");

		volatile boolean resultsDone;
		Throwable resultsError;
		volatile boolean cancelled;
		volatile boolean terminated;

		// Owned by drain(); volatile only for scanUnsafe.
		volatile long emitted;
		volatile long askedOfResults;
		volatile long taken;

		HeartbeatMain(CoreSubscriber<? super Beat<T>> actual, int prefetch) {
			this.actual = actual;
			this.prefetch = prefetch;
			this.limit = prefetch - (prefetch >> 2);
			this.queue = Queues.<T>get(prefetch).get();
			this.resultSubscriber = new ResultSubscriber<>(this);
			this.pulseSubscriber = new PulseSubscriber(this);
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				// Rule 3.9: the bad request ends the subscription with an error.
				fail(Exceptions.nullOrNegativeRequestException(n));
				return;
			}
			Operators.addCap(REQUESTED, this, n);
			drain();
		}

		@Override
		public void cancel() {
			if (cancelled) {
				return;
			}
			cancelled = true;
			drain();
		}

		void fail(Throwable t) {
			if (ERROR.compareAndSet(this, null, t)) {
				drain();
			}
			else if (!cancelled && !terminated) {
				Operators.onErrorDropped(t, actual.currentContext());
			}
		}

		void pulse(Object trigger) {
			Object replaced = PENDING_PULSE.getAndSet(this, trigger);
			if (replaced != null) {
				Operators.onDiscard(replaced, actual.currentContext());
			}
			if (terminated || cancelled) {
				discardPendingPulse();
				return;
			}
			drain();
		}

		void drain() {
			if (WIP.getAndIncrement(this) != 0) {
				return;
			}
			int missed = 1;
			for (;;) {
				long r = requested;
				long e = emitted;
				long t = taken;
				for (;;) {
					if (checkTerminated()) {
						return;
					}
					if (e == r) {
						break;
					}
					T v = queue.poll();
					if (v == null) {
						break;
					}
					actual.onNext(new Beat.Value<>(v));
					e++;
					t++;
				}
				taken = t;
				if (checkTerminated()) {
					return;
				}
				Object trigger = PENDING_PULSE.getAndSet(this, null);
				if (trigger != null) {
					if (e != requested) {
						actual.onNext(Beat.pulse());
						e++;
					}
					else {
						Operators.onDiscard(trigger, actual.currentContext());
					}
				}
				emitted = e;
				askResults(e);
				missed = WIP.addAndGet(this, -missed);
				if (missed == 0) {
					return;
				}
			}
		}

		// The results see downstream's own demand: a watchdog on them runs only while it waits.
		private void askResults(long e) {
			Subscription s = resultSubscriber.s;
			if (s == null || resultsDone) {
				return;
			}
			long r = requested;
			long demand = r == Long.MAX_VALUE ? Long.MAX_VALUE : r - e;
			long inFlight = askedOfResults - taken;
			long wanted = Math.min(demand, prefetch) - inFlight;
			if (wanted > 0 && (inFlight == 0 || wanted >= limit)) {
				askedOfResults += wanted;
				s.request(wanted);
			}
		}

		// Once it returns true the WIP counter is never released, so drain() never runs again.
		private boolean checkTerminated() {
			if (cancelled) {
				terminated = true;
				cancelSources();
				return true;
			}
			Throwable ex = error;
			if (ex != null) {
				terminated = true;
				cancelSources();
				actual.onError(ex);
				return true;
			}
			if (resultsDone && queue.isEmpty()) {
				terminated = true;
				pulseSubscriber.cancel();
				discardPendingPulse();
				Throwable failure = resultsError;
				if (failure != null) {
					actual.onError(failure);
				}
				else {
					actual.onComplete();
				}
				return true;
			}
			return false;
		}

		private void cancelSources() {
			resultSubscriber.cancel();
			pulseSubscriber.cancel();
			discardPendingPulse();
			Operators.onDiscardQueueWithClear(queue, actual.currentContext(), null);
		}

		private void discardPendingPulse() {
			Object trigger = PENDING_PULSE.getAndSet(this, null);
			if (trigger != null) {
				Operators.onDiscard(trigger, actual.currentContext());
			}
		}

		@Override
		public Object scanUnsafe(Attr key) {
			if (key == Attr.ACTUAL) {
				return actual;
			}
			if (key == Attr.CANCELLED) {
				return cancelled;
			}
			if (key == Attr.TERMINATED) {
				return terminated && !cancelled;
			}
			if (key == Attr.ERROR) {
				return error != null ? error : resultsError;
			}
			if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
				long r = requested;
				return r == Long.MAX_VALUE ? Long.MAX_VALUE : r - emitted;
			}
			if (key == Attr.PREFETCH) {
				return prefetch;
			}
			if (key == Attr.BUFFERED) {
				return queue.size();
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}

		@Override
		public Stream<? extends Scannable> inners() {
			return Stream.of(resultSubscriber, pulseSubscriber);
		}
	}

	static final class ResultSubscriber<T> implements CoreSubscriber<T>, Scannable {

		final HeartbeatMain<T> parent;

		volatile Subscription s;
		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<ResultSubscriber, Subscription> S =
				AtomicReferenceFieldUpdater.newUpdater(ResultSubscriber.class, Subscription.class, "s");

		volatile boolean done;

		ResultSubscriber(HeartbeatMain<T> parent) {
			this.parent = parent;
		}

		@Override
		public Context currentContext() {
			return parent.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.setOnce(S, this, s)) {
				// Nothing is asked before downstream asks: drain() forwards its demand.
				parent.drain();
			}
		}

		@Override
		public void onNext(T t) {
			if (done) {
				Operators.onNextDropped(t, currentContext());
				return;
			}
			if (!parent.queue.offer(t)) {
				Operators.terminate(S, this);
				Operators.onDiscard(t, currentContext());
				onError(Operators.onOperatorError(Exceptions.failWithOverflow(
						"results emitted more than the " + parent.prefetch + " requested"), currentContext()));
				return;
			}
			parent.drain();
		}

		@Override
		public void onError(Throwable t) {
			if (done) {
				Operators.onErrorDropped(t, currentContext());
				return;
			}
			done = true;
			parent.resultsError = t;
			parent.resultsDone = true;
			parent.drain();
		}

		@Override
		public void onComplete() {
			if (done) {
				return;
			}
			done = true;
			parent.resultsDone = true;
			parent.drain();
		}

		void cancel() {
			Operators.terminate(S, this);
		}

		@Override
		public Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return s;
			}
			if (key == Attr.ACTUAL) {
				return parent;
			}
			if (key == Attr.CANCELLED) {
				return s == Operators.cancelledSubscription();
			}
			if (key == Attr.TERMINATED) {
				return done;
			}
			if (key == Attr.PREFETCH) {
				return parent.prefetch;
			}
			if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
				return Math.max(0, parent.askedOfResults - parent.taken - parent.queue.size());
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}
	}

	static final class PulseSubscriber implements CoreSubscriber<Object>, Scannable {

		final HeartbeatMain<?> parent;

		volatile Subscription s;
		static final AtomicReferenceFieldUpdater<PulseSubscriber, Subscription> S =
				AtomicReferenceFieldUpdater.newUpdater(PulseSubscriber.class, Subscription.class, "s");

		volatile boolean done;

		PulseSubscriber(HeartbeatMain<?> parent) {
			this.parent = parent;
		}

		@Override
		public Context currentContext() {
			return parent.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.setOnce(S, this, s)) {
				// Triggers are never queued, so they can all be asked for.
				s.request(Long.MAX_VALUE);
			}
		}

		@Override
		public void onNext(Object trigger) {
			if (done) {
				Operators.onNextDropped(trigger, currentContext());
				return;
			}
			parent.pulse(trigger);
		}

		@Override
		public void onError(Throwable t) {
			if (done) {
				Operators.onErrorDropped(t, currentContext());
				return;
			}
			done = true;
			parent.fail(t);
		}

		@Override
		public void onComplete() {
			// The producer stopped pulsing; its results may go on.
			done = true;
		}

		void cancel() {
			Operators.terminate(S, this);
		}

		@Override
		public Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return s;
			}
			if (key == Attr.ACTUAL) {
				return parent;
			}
			if (key == Attr.CANCELLED) {
				return s == Operators.cancelledSubscription();
			}
			if (key == Attr.TERMINATED) {
				return done;
			}
			if (key == Attr.PREFETCH) {
				return Integer.MAX_VALUE;
			}
			if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
				return Long.MAX_VALUE;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}
	}
}
