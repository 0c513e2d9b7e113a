package io.gopherflux.ratelimit;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Lets elements through a {@link RateLimiter}: each permit granted lets {@code batchSize} more
 * elements be requested from upstream, so the source is never asked for more than the permits
 * allow and nothing is buffered. See {@link RateLimit#elements(RateLimiter)}.
 * <p>
 * State machine, run in a work-in-progress drain loop: while downstream demand is not covered by
 * what was requested upstream, spend the allowance left by granted permits on
 * {@code request(n)}; when the allowance is spent and every element asked for has arrived, take
 * a permit: at once if the limiter is a {@link LocalRateLimiter} that has one ({@code tryAcquire}),
 * else by subscribing to {@code acquire(1)} (for any other limiter, the one decision asked of it),
 * whose completion adds {@code batchSize} to the allowance. Waiting for the elements before the
 * next permit keeps a slow source from banking permits and then releasing a burst. A pending
 * permit is held in {@link RateLimitSubscriber#pending}: cancelling or terminating cancels it, which
 * gives its tokens back to the limiter.
 * <p>
 * Downstream is signalled by the source, by the permit's timer (only while no element is awaited,
 * so never during an {@code onNext}), and by a downstream {@code request(n <= 0)}, which must fail
 * the Flux and may come on any thread while the source is in {@code onNext}. That error is
 * serialized with the elements by two flags kept beside the count of elements in flight
 * ({@link RateLimitSubscriber#inFlight}): the atomic add that marks an element as being delivered
 * and the one that counts it delivered are all it costs, one more than counting alone. The error
 * goes downstream at once when no element is being delivered, otherwise from the thread
 * delivering it, as soon as its {@code onNext} returns. ({@link Operators#serialize} would do it
 * too, with a lock taken twice per element, for an error that almost never happens: that doubled
 * the cost per element of {@code batches}.)
 */
final class FluxRateLimit<T> extends FluxOperator<T, T> {

	final RateLimiter limiter;
	final int batchSize;

	FluxRateLimit(Flux<? extends T> source, RateLimiter limiter, int batchSize) {
		super(source);
		this.limiter = limiter;
		this.batchSize = batchSize;
	}

	/** The operator, through Reactor's assembly hooks; the arguments are checked by the caller. */
	static <T> Flux<T> of(Flux<? extends T> source, RateLimiter limiter, int batchSize) {
		return onAssembly(new FluxRateLimit<>(source, limiter, batchSize));
	}

	@Override
	public void subscribe(CoreSubscriber<? super T> actual) {
		source.subscribe(new RateLimitSubscriber<>(actual, limiter, batchSize));
	}

	@Override
	@SuppressWarnings("rawtypes")
	public Object scanUnsafe(Attr key) {
		if (key == Attr.RUN_ON) {
			return limiter.scheduler();
		}
		if (key == Attr.RUN_STYLE) {
			return Attr.RunStyle.ASYNC;
		}
		return super.scanUnsafe(key);
	}

	static final class RateLimitSubscriber<T> implements CoreSubscriber<T>, Subscription, Scannable {

		static final int LIVE = 0;
		static final int TERMINATED = 1;
		static final int CANCELLED = 2;

		final CoreSubscriber<? super T> actual;
		final RateLimiter limiter;
		/** The limiter when it can decide synchronously, else {@code null}: then every permit is one {@code acquire}. */
		final LocalRateLimiter local;
		final int batchSize;

		Subscription s;

		/** Elements the granted permits still allow to be requested; drain loop only. */
		long allowance;
		/** Total requested upstream; drain loop only. */
		long issued;

		/** Total downstream demand, capped at Long.MAX_VALUE (unbounded). */
		volatile long requested;
		@SuppressWarnings("rawtypes")
		static final AtomicLongFieldUpdater<RateLimitSubscriber> REQUESTED =
				AtomicLongFieldUpdater.newUpdater(RateLimitSubscriber.class, "requested");

		/**
		 * The elements requested upstream and not yet received ({@link #COUNT}, at most a batch), with
		 * {@link #EMITTING} while one is being delivered downstream and {@link #FAILED} once a bad
		 * request's error waits for that delivery or has gone downstream.
		 */
		volatile long inFlight;
		@SuppressWarnings("rawtypes")
		static final AtomicLongFieldUpdater<RateLimitSubscriber> IN_FLIGHT =
				AtomicLongFieldUpdater.newUpdater(RateLimitSubscriber.class, "inFlight");
		static final long EMITTING = 1L << 62;
		static final long FAILED = 1L << 61;
		static final long COUNT = FAILED - 1;

		/** The error of a bad request; written before {@link #FAILED} is set. */
		Throwable badRequest;

		volatile int wip;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<RateLimitSubscriber> WIP =
				AtomicIntegerFieldUpdater.newUpdater(RateLimitSubscriber.class, "wip");

		/** {@link #LIVE}; {@link #TERMINATED} once a terminal signal went (or is going) downstream; {@link #CANCELLED}. */
		volatile int state;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<RateLimitSubscriber> STATE =
				AtomicIntegerFieldUpdater.newUpdater(RateLimitSubscriber.class, "state");

		/** null: no permit asked; a PermitSubscriber: waiting; GRANTED: granted, not yet counted; REVOKED. */
		volatile Object pending;
		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<RateLimitSubscriber, Object> PENDING =
				AtomicReferenceFieldUpdater.newUpdater(RateLimitSubscriber.class, Object.class, "pending");

		static final Object GRANTED = new Object();
		static final Object REVOKED = new Object();

		RateLimitSubscriber(CoreSubscriber<? super T> actual, RateLimiter limiter, int batchSize) {
			this.actual = actual;
			this.limiter = limiter;
			this.local = limiter instanceof LocalRateLimiter l ? l : null;
			this.batchSize = batchSize;
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.validate(this.s, s)) {
				this.s = s;
				actual.onSubscribe(this);
			}
		}

		@Override
		public void onNext(T t) {
			int st = state;
			if (st != LIVE) {
				if (st == CANCELLED) {
					Operators.onDiscard(t, actual.currentContext());
				}
				else {
					Operators.onNextDropped(t, actual.currentContext());
				}
				return;
			}
			if ((IN_FLIGHT.getAndAdd(this, EMITTING) & FAILED) != 0) {
				// A bad request's error went downstream between the check above and here.
				Operators.onNextDropped(t, actual.currentContext());
				return;
			}
			actual.onNext(t);
			long left = IN_FLIGHT.addAndGet(this, -EMITTING - 1);
			if ((left & FAILED) != 0) {
				// A bad request came during onNext: its error waited for it.
				actual.onError(badRequest);
				return;
			}
			// Only after onNext returns: the next permit (and a possible error) must not overlap it.
			if (left == 0) {
				drain();
			}
		}

		@Override
		public void onError(Throwable t) {
			if (!STATE.compareAndSet(this, LIVE, TERMINATED)) {
				Operators.onErrorDropped(t, actual.currentContext());
				return;
			}
			cancelPermit();
			actual.onError(t);
		}

		@Override
		public void onComplete() {
			if (!STATE.compareAndSet(this, LIVE, TERMINATED)) {
				return;
			}
			cancelPermit();
			actual.onComplete();
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				// Reactive Streams rule 3.9: a non-positive request is an error signalled downstream,
				// after the element the source may be delivering on another thread.
				if (STATE.compareAndSet(this, LIVE, TERMINATED)) {
					s.cancel();
					cancelPermit();
					badRequest = Exceptions.nullOrNegativeRequestException(n);
					if ((IN_FLIGHT.getAndAdd(this, FAILED) & EMITTING) == 0) {
						actual.onError(badRequest);
					}
				}
				return;
			}
			Operators.addCap(REQUESTED, this, n);
			drain();
		}

		@Override
		public void cancel() {
			if (STATE.compareAndSet(this, LIVE, CANCELLED)) {
				s.cancel();
				cancelPermit();
			}
		}

		void cancelPermit() {
			Object p = PENDING.getAndSet(this, REVOKED);
			if (p instanceof PermitSubscriber) {
				((PermitSubscriber) p).cancel();
			}
		}

		void permitGranted(PermitSubscriber p) {
			if (PENDING.compareAndSet(this, p, GRANTED)) {
				drain();
			}
		}

		void permitFailed(PermitSubscriber p, Throwable e) {
			if (PENDING.compareAndSet(this, p, REVOKED) && STATE.compareAndSet(this, LIVE, TERMINATED)) {
				s.cancel();
				actual.onError(e);
				return;
			}
			Operators.onErrorDropped(e, actual.currentContext());
		}

		void drain() {
			if (WIP.getAndIncrement(this) != 0) {
				return;
			}
			int missed = 1;
			for (;;) {
				if (state == LIVE) {
					Object p = pending;
					if (p == GRANTED && PENDING.compareAndSet(this, GRANTED, null)) {
						allowance += batchSize;
						p = null;
					}
					long uncovered = requested - issued;
					if (uncovered > 0) {
						if (allowance == 0 && p == null && (inFlight & COUNT) == 0) {
							if (local != null && local.tryAcquire()) {
								allowance = batchSize;
							}
							else {
								waitForPermit();
							}
						}
						if (allowance > 0) {
							long n = Math.min(allowance, uncovered);
							allowance -= n;
							issued += n;
							IN_FLIGHT.addAndGet(this, n);
							s.request(n);
						}
					}
				}
				missed = WIP.addAndGet(this, -missed);
				if (missed == 0) {
					return;
				}
			}
		}

		void waitForPermit() {
			PermitSubscriber p = new PermitSubscriber(this);
			if (PENDING.compareAndSet(this, null, p)) {
				// Through Publisher.subscribe, so that Reactor's subscribe hooks apply to the inner source.
				Publisher<Void> permit = Operators.toFluxOrMono(limiter.acquire());
				permit.subscribe(p);
			}
		}

		@Override
		public Context currentContext() {
			return actual.currentContext();
		}

		@Override
		@SuppressWarnings("rawtypes")
		public Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return s;
			}
			if (key == Attr.ACTUAL) {
				return actual;
			}
			if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
				long r = requested;
				// Delivered so far: what was requested upstream less what has not arrived yet.
				return r == Long.MAX_VALUE ? r : r - (issued - (inFlight & COUNT));
			}
			if (key == Attr.TERMINATED) {
				return state == TERMINATED;
			}
			if (key == Attr.CANCELLED) {
				return state == CANCELLED;
			}
			if (key == Attr.RUN_ON) {
				return limiter.scheduler();
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.ASYNC;
			}
			return null;
		}
	}

	/** Waits for one permit on behalf of a {@link RateLimitSubscriber}. */
	static final class PermitSubscriber implements CoreSubscriber<Void>, Scannable {

		final RateLimitSubscriber<?> parent;

		volatile Subscription s;
		static final AtomicReferenceFieldUpdater<PermitSubscriber, Subscription> S =
				AtomicReferenceFieldUpdater.newUpdater(PermitSubscriber.class, Subscription.class, "s");

		/** Whether the permit came or failed; its signals are serial. */
		boolean done;

		PermitSubscriber(RateLimitSubscriber<?> parent) {
			this.parent = parent;
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.setOnce(S, this, s)) {
				s.request(Long.MAX_VALUE);
			}
		}

		@Override
		public void onNext(Void v) {
			// A Mono<Void> has no element.
		}

		@Override
		public void onError(Throwable e) {
			done = true;
			parent.permitFailed(this, e);
		}

		@Override
		public void onComplete() {
			done = true;
			parent.permitGranted(this);
		}

		void cancel() {
			Operators.terminate(S, this);
		}

		/** The downstream context, so that a deadline set below the operator applies to each permit. */
		@Override
		public Context currentContext() {
			return parent.actual.currentContext();
		}

		@Override
		@SuppressWarnings("rawtypes")
		public Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return s;
			}
			if (key == Attr.ACTUAL) {
				return parent;
			}
			if (key == Attr.TERMINATED) {
				return done;
			}
			if (key == Attr.CANCELLED) {
				return s == Operators.cancelledSubscription();
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.ASYNC;
			}
			return null;
		}
	}
}
