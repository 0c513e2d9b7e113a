package io.gopherflux.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import io.gopherflux.context.Deadline;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * {@link RateLimiter#acquire(int, Duration)} for every limiter: one {@link RateLimiter#reserve(int,
 * Duration)}, then a timer of the limiter's scheduler for the wait. Reactor has the parts
 * ({@code flatMap}, {@code Mono.delay}) but not the guarantee that each token reserved for a
 * subscriber that is gone goes back, whenever it goes.
 * <p>
 * State machine, one {@link AcquireSubscriber#state} moved by CAS: STARTING (after
 * {@code onSubscribe}: check the burst and the deadline) → RESERVING (subscribed to the limiter's
 * reservation) → WAITING (a timer runs for the reservation's delay) → DONE (completed or failed);
 * CANCELLED from any state but DONE. Whoever leaves a state cleans up after it: cancelling in
 * RESERVING cancels the reservation's {@code Mono} (which gives back what it reserved), a
 * reservation arriving after the cancel is {@linkplain Reservation#undo() undone}, and cancelling
 * in WAITING stops the timer and {@linkplain Reservation#cancel() cancels} the reservation.
 */
final class MonoAcquire extends Mono<Void> implements Scannable {

	final RateLimiter limiter;
	final int permits;
	final long maxWaitNanos;

	MonoAcquire(RateLimiter limiter, int permits, long maxWaitNanos) {
		this.limiter = limiter;
		this.permits = permits;
		this.maxWaitNanos = maxWaitNanos;
	}

	/** The acquire, through Reactor's assembly hooks; the arguments are checked by the caller. */
	static Mono<Void> of(RateLimiter limiter, int permits, long maxWaitNanos) {
		return onAssembly(new MonoAcquire(limiter, permits, maxWaitNanos));
	}

	@Override
	public void subscribe(CoreSubscriber<? super Void> actual) {
		AcquireSubscriber parent = new AcquireSubscriber(actual, limiter, permits);
		actual.onSubscribe(parent);
		parent.start(maxWaitNanos);
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
		return null;
	}

	static final class AcquireSubscriber implements CoreSubscriber<Reservation>, Subscription, Scannable, Runnable {

		static final int STARTING = 0;
		static final int RESERVING = 1;
		static final int WAITING = 2;
		static final int DONE = 3;
		static final int CANCELLED = 4;

		final CoreSubscriber<? super Void> actual;
		final RateLimiter limiter;
		final int permits;

		/** The wait allowed, and whether the deadline (rather than maxWait) set it; written before RESERVING. */
		long allowedNanos;
		boolean byDeadline;
		/** Whether the limiter's Mono has emitted; its signals are serial. */
		boolean received;
		/** The reservation waited for; written before WAITING. */
		Reservation reservation;

		volatile int state;
		static final AtomicIntegerFieldUpdater<AcquireSubscriber> STATE =
				AtomicIntegerFieldUpdater.newUpdater(AcquireSubscriber.class, "state");

		/** The subscription to the limiter's reservation. */
		volatile Subscription s;
		static final AtomicReferenceFieldUpdater<AcquireSubscriber, Subscription> S =
				AtomicReferenceFieldUpdater.newUpdater(AcquireSubscriber.class, Subscription.class, "s");

		/** The timer of the wait; {@link #STOPPED} once cancelled. */
		volatile Disposable timer;
		static final AtomicReferenceFieldUpdater<AcquireSubscriber, Disposable> TIMER =
				AtomicReferenceFieldUpdater.newUpdater(AcquireSubscriber.class, Disposable.class, "timer");
		static final Disposable STOPPED = Disposables.disposed();

		AcquireSubscriber(CoreSubscriber<? super Void> actual, RateLimiter limiter, int permits) {
			this.actual = actual;
			this.limiter = limiter;
			this.permits = permits;
		}

		/** After {@code onSubscribe} returned: fail fast, or ask the limiter (unless cancelled meanwhile). */
		void start(long maxWaitNanos) {
			if (state != STARTING) {
				return;
			}
			if (permits > limiter.burst() && !limiter.limit().isInfinite()) {
				fail(new BurstExceededException(limiter.name(), permits, limiter.burst()));
				return;
			}
			long allowed = maxWaitNanos;
			Optional<Instant> deadline = Deadline.of(actual.currentContext());
			if (deadline.isPresent()) {
				Instant now = Deadline.now(limiter.scheduler());
				if (!now.isBefore(deadline.get())) {
					fail(WaitPastDeadlineException.deadlinePassed(limiter.name(), permits, deadline.get(), now));
					return;
				}
				long left = RateLimiter.requireMaxWaitNanos(Duration.between(now, deadline.get()));
				if (left < allowed) {
					allowed = left;
					byDeadline = true;
				}
			}
			allowedNanos = allowed;
			Mono<? extends Reservation> reservation;
			try {
				reservation = Objects.requireNonNull(limiter.reserve(permits, Duration.ofNanos(allowed)),
						"the reservation Mono");
			}
			catch (Throwable e) {
				fail(Operators.onOperatorError(e, actual.currentContext()));
				return;
			}
			if (STATE.compareAndSet(this, STARTING, RESERVING)) {
				// Through Publisher.subscribe, so that Reactor's subscribe hooks apply to the inner source.
				Publisher<? extends Reservation> source = Operators.toFluxOrMono(reservation);
				source.subscribe(this);
			}
		}

		void fail(Throwable e) {
			if (STATE.compareAndSet(this, STARTING, DONE)) {
				actual.onError(e);
			}
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.setOnce(S, this, s)) {
				s.request(Long.MAX_VALUE);
			}
		}

		@Override
		public void onNext(Reservation r) {
			if (received) {
				discard(r);
				return;
			}
			received = true;
			if (!r.ok()) {
				if (STATE.compareAndSet(this, RESERVING, DONE)) {
					actual.onError(refusal(r));
				}
				else {
					Operators.onDiscard(r, actual.currentContext());
				}
				return;
			}
			long delay = r.delayNanos();
			if (delay == 0) {
				if (STATE.compareAndSet(this, RESERVING, DONE)) {
					actual.onComplete();
				}
				else {
					discard(r);
				}
				return;
			}
			reservation = r;
			if (!STATE.compareAndSet(this, RESERVING, WAITING)) {
				discard(r);
				return;
			}
			try {
				Disposable d = limiter.scheduler().schedule(this, delay, TimeUnit.NANOSECONDS);
				if (!TIMER.compareAndSet(this, null, d)) {
					d.dispose();
				}
			}
			catch (RejectedExecutionException e) {
				if (STATE.compareAndSet(this, WAITING, DONE)) {
					r.undo();
					actual.onError(Operators.onRejectedExecution(e, actual.currentContext()));
				}
			}
		}

		/** A reservation nobody will act on: its tokens go back, and the discard hook sees it. */
		void discard(Reservation r) {
			r.undo();
			Operators.onDiscard(r, actual.currentContext());
		}

		RateLimitException refusal(Reservation r) {
			if (r.delayNanos() == Long.MAX_VALUE) {
				return new PermitsDeniedException(limiter.name(), permits);
			}
			return byDeadline
					? WaitPastDeadlineException.pastDeadline(limiter.name(), permits, r.delayNanos(), allowedNanos)
					: WaitPastDeadlineException.pastMaxWait(limiter.name(), permits, r.delayNanos(), allowedNanos);
		}

		@Override
		public void onError(Throwable e) {
			if (STATE.compareAndSet(this, RESERVING, DONE)) {
				actual.onError(e);
			}
			else if (!received) {
				Operators.onErrorDropped(e, actual.currentContext());
			}
		}

		@Override
		public void onComplete() {
			if (!received && STATE.compareAndSet(this, RESERVING, DONE)) {
				actual.onError(new IllegalStateException("rate limiter '" + limiter.name() + "' completed without a reservation"));
			}
		}

		/** The timer: the wait is over. */
		@Override
		public void run() {
			if (STATE.compareAndSet(this, WAITING, DONE)) {
				actual.onComplete();
			}
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				// Reactive Streams rule 3.9: a non-positive request is an error signalled downstream.
				int was = stop(DONE);
				if (was >= 0) {
					actual.onError(Exceptions.nullOrNegativeRequestException(n));
				}
			}
			// Otherwise nothing to do: there is no element, and completion needs no demand.
		}

		@Override
		public void cancel() {
			stop(CANCELLED);
		}

		/** Moves to {@code end} from a live state and cleans up after that state; returns it, or -1 if already over. */
		int stop(int end) {
			for (;;) {
				int was = state;
				if (was == DONE || was == CANCELLED) {
					return -1;
				}
				if (STATE.compareAndSet(this, was, end)) {
					if (was == RESERVING) {
						Operators.terminate(S, this);
					}
					else if (was == WAITING) {
						Disposable d = TIMER.getAndSet(this, STOPPED);
						if (d != null) {
							d.dispose();
						}
						reservation.cancel();
					}
					return was;
				}
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
			if (key == Attr.CANCELLED) {
				return state == CANCELLED;
			}
			if (key == Attr.TERMINATED) {
				return state == DONE;
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
}
