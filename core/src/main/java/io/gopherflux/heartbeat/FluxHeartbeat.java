package io.gopherflux.heartbeat;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * Merges a stream of results with a stream of pulse triggers into one stream of {@link Beat}s:
 * results keep full backpressure (at most {@code prefetch} of them are requested ahead), while a
 * pulse trigger that finds no outstanding demand is dropped on the spot.
 *
 * @param <T> the type of the results
 */
final class FluxHeartbeat<T> extends Flux<Beat<T>> {

	final Publisher<? extends T> results;
	final Publisher<?> pulses;
	final int prefetch;

	FluxHeartbeat(Publisher<? extends T> results, Publisher<?> pulses, int prefetch) {
		this.results = results;
		this.pulses = pulses;
		this.prefetch = prefetch;
	}

	@Override
	public void subscribe(CoreSubscriber<? super Beat<T>> actual) {
		HeartbeatMain<T> main = new HeartbeatMain<>(actual, prefetch);
		actual.onSubscribe(main);
		pulses.subscribe(main.pulseSubscriber);
		results.subscribe(main.resultSubscriber);
	}

	/*
	 * State machine, advanced by drain() under the WIP counter:
	 * - queued results are emitted while there is demand;
	 * - a pulse trigger sets `pulse`; the next pass of drain() emits one pulse if demand is left
	 *   after the results, and otherwise drops it (several triggers during one pass make at most
	 *   one pulse): pulses are never held for later;
	 * - the results' completion or error is emitted once the queued results are drained: a
	 *   result is never lost to a later error; an error of the pulses or a bad request is emitted
	 *   at once and drops the queued results; completion of the pulses only stops the pulses;
	 * - cancellation, error or completion cancel both sources.
	 */
	static final class HeartbeatMain<T> implements Subscription {

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

		volatile boolean pulse;
		volatile boolean resultsDone;
		Throwable resultsError;
		volatile boolean cancelled;

		// Owned by drain().
		long emitted;
		int consumed;

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
			else {
				Operators.onErrorDropped(t, actual.currentContext());
			}
		}

		void drain() {
			if (WIP.getAndIncrement(this) != 0) {
				return;
			}
			int missed = 1;
			for (;;) {
				long r = requested;
				long e = emitted;
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
					if (++consumed == limit) {
						consumed = 0;
						resultSubscriber.s.request(limit);
					}
				}
				if (checkTerminated()) {
					return;
				}
				if (pulse) {
					pulse = false;
					if (e != requested) {
						actual.onNext(Beat.pulse());
						e++;
					}
				}
				emitted = e;
				missed = WIP.addAndGet(this, -missed);
				if (missed == 0) {
					return;
				}
			}
		}

		// Once it returns true the WIP counter is never released, so drain() never runs again.
		private boolean checkTerminated() {
			if (cancelled) {
				cancelSources();
				return true;
			}
			Throwable ex = error;
			if (ex != null) {
				cancelSources();
				actual.onError(ex);
				return true;
			}
			if (resultsDone && queue.isEmpty()) {
				pulseSubscriber.cancel();
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
			Operators.onDiscardQueueWithClear(queue, actual.currentContext(), null);
		}
	}

	static final class ResultSubscriber<T> implements CoreSubscriber<T> {

		final HeartbeatMain<T> parent;

		volatile Subscription s;
		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<ResultSubscriber, Subscription> S =
				AtomicReferenceFieldUpdater.newUpdater(ResultSubscriber.class, Subscription.class, "s");

		boolean done;

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
				s.request(parent.prefetch);
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
	}

	static final class PulseSubscriber implements CoreSubscriber<Object> {

		final HeartbeatMain<?> parent;

		volatile Subscription s;
		static final AtomicReferenceFieldUpdater<PulseSubscriber, Subscription> S =
				AtomicReferenceFieldUpdater.newUpdater(PulseSubscriber.class, Subscription.class, "s");

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
			parent.pulse = true;
			parent.drain();
		}

		@Override
		public void onError(Throwable t) {
			parent.fail(t);
		}

		@Override
		public void onComplete() {
			// The producer stopped pulsing; its results may go on.
		}

		void cancel() {
			Operators.terminate(S, this);
		}
	}
}
