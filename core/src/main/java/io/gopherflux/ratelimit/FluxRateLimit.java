package io.gopherflux.ratelimit;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

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
 * a permit, at once if the limiter has one ({@code tryAcquire}), else by subscribing to
 * {@code acquire(1)}, whose completion adds {@code batchSize} to the allowance. Waiting for the
 * elements before the next permit keeps a slow source from banking permits and then releasing a
 * burst. A pending permit is held in {@link #pending}: cancelling or terminating cancels it,
 * which gives its tokens back to the limiter.
 */
final class FluxRateLimit<T> extends FluxOperator<T, T> {

	final RateLimiter limiter;
	final int batchSize;

	FluxRateLimit(Flux<? extends T> source, RateLimiter limiter, int batchSize) {
		super(source);
		this.limiter = limiter;
		this.batchSize = batchSize;
	}

	@Override
	public void subscribe(CoreSubscriber<? super T> actual) {
		source.subscribe(new RateLimitSubscriber<>(actual, limiter, batchSize));
	}

	@Override
	@SuppressWarnings("rawtypes")
	public Object scanUnsafe(Attr key) {
		if (key == Attr.RUN_STYLE) {
			return Attr.RunStyle.ASYNC;
		}
		return super.scanUnsafe(key);
	}

	static final class RateLimitSubscriber<T> implements CoreSubscriber<T>, Subscription, Scannable {

		final CoreSubscriber<? super T> actual;
		final RateLimiter limiter;
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

		/** Requested upstream and not yet received. */
		volatile long inFlight;
		@SuppressWarnings("rawtypes")
		static final AtomicLongFieldUpdater<RateLimitSubscriber> IN_FLIGHT =
				AtomicLongFieldUpdater.newUpdater(RateLimitSubscriber.class, "inFlight");

		volatile int wip;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<RateLimitSubscriber> WIP =
				AtomicIntegerFieldUpdater.newUpdater(RateLimitSubscriber.class, "wip");

		/** 1 once a terminal signal went (or is going) downstream, or downstream cancelled. */
		volatile int done;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<RateLimitSubscriber> DONE =
				AtomicIntegerFieldUpdater.newUpdater(RateLimitSubscriber.class, "done");

		/** null: no permit asked; a PermitSubscriber: waiting; GRANTED: granted, not yet counted; CANCELLED. */
		volatile Object pending;
		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<RateLimitSubscriber, Object> PENDING =
				AtomicReferenceFieldUpdater.newUpdater(RateLimitSubscriber.class, Object.class, "pending");

		static final Object GRANTED = new Object();
		static final Object CANCELLED = new Object();

		RateLimitSubscriber(CoreSubscriber<? super T> actual, RateLimiter limiter, int batchSize) {
			this.actual = actual;
			this.limiter = limiter;
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
			if (done != 0) {
				Operators.onNextDropped(t, actual.currentContext());
				return;
			}
			actual.onNext(t);
			// Only after onNext returns: the next permit (and a possible error) must not overlap it.
			if (IN_FLIGHT.decrementAndGet(this) == 0) {
				drain();
			}
		}

		@Override
		public void onError(Throwable t) {
			if (!DONE.compareAndSet(this, 0, 1)) {
				Operators.onErrorDropped(t, actual.currentContext());
				return;
			}
			cancelPermit();
			actual.onError(t);
		}

		@Override
		public void onComplete() {
			if (!DONE.compareAndSet(this, 0, 1)) {
				return;
			}
			cancelPermit();
			actual.onComplete();
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				// Reactive Streams rule 3.9: a non-positive request is an error signalled downstream.
				s.cancel();
				onError(Exceptions.nullOrNegativeRequestException(n));
				return;
			}
			Operators.addCap(REQUESTED, this, n);
			drain();
		}

		@Override
		public void cancel() {
			if (DONE.compareAndSet(this, 0, 1)) {
				s.cancel();
				cancelPermit();
			}
		}

		void cancelPermit() {
			Object p = PENDING.getAndSet(this, CANCELLED);
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
			if (PENDING.compareAndSet(this, p, CANCELLED)) {
				if (DONE.compareAndSet(this, 0, 1)) {
					s.cancel();
					actual.onError(e);
					return;
				}
			}
			Operators.onErrorDropped(e, actual.currentContext());
		}

		void drain() {
			if (WIP.getAndIncrement(this) != 0) {
				return;
			}
			int missed = 1;
			for (;;) {
				if (done == 0) {
					Object p = pending;
					if (p == GRANTED && PENDING.compareAndSet(this, GRANTED, null)) {
						allowance += batchSize;
						p = null;
					}
					long uncovered = requested - issued;
					if (uncovered > 0) {
						if (allowance == 0 && p == null && inFlight == 0) {
							if (limiter.tryAcquire()) {
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
				limiter.acquire().subscribe(p);
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
				return requested - issued;
			}
			if (key == Attr.TERMINATED || key == Attr.CANCELLED) {
				return done != 0;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.ASYNC;
			}
			return null;
		}
	}

	/** Waits for one permit on behalf of a {@link RateLimitSubscriber}. */
	static final class PermitSubscriber implements CoreSubscriber<Void> {

		final RateLimitSubscriber<?> parent;

		volatile Subscription s;
		static final AtomicReferenceFieldUpdater<PermitSubscriber, Subscription> S =
				AtomicReferenceFieldUpdater.newUpdater(PermitSubscriber.class, Subscription.class, "s");

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
		}

		@Override
		public void onError(Throwable e) {
			parent.permitFailed(this, e);
		}

		@Override
		public void onComplete() {
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
	}
}
