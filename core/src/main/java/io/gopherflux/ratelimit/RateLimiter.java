package io.gopherflux.ratelimit;

import java.time.Duration;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A token-bucket rate limiter with the operations of Go's {@code golang.org/x/time/rate}:
 * {@link #tryAcquire(int)} ({@code AllowN}), {@link #reserve(int)} ({@code ReserveN}) and
 * {@link #acquire(int)} ({@code WaitN}, as a {@link Mono} that waits on a timer and never blocks a
 * thread), plus the book's {@link #limit()} so that limiters can be combined in a
 * {@link MultiLimiter}.
 * <p>
 * Implementations: {@link TokenBucket} and {@link MultiLimiter}. All methods are thread-safe.
 */
public interface RateLimiter {

	/** The name this limiter is known by in errors and metrics. */
	String name();

	/** The rate at which tokens come back; for a {@link MultiLimiter}, its most restrictive one. */
	Limit limit();

	/** The most tokens that can be taken at once. */
	int burst();

	/** The scheduler whose timers {@link #acquire(int)} waits on and whose clock deadlines are read on. */
	Scheduler scheduler();

	/** {@code tryAcquire(1)}. */
	default boolean tryAcquire() {
		return tryAcquire(1);
	}

	/**
	 * Takes {@code permits} tokens if they are all available now, as Go's {@code AllowN}; never
	 * waits.
	 *
	 * @return whether the tokens were taken (nothing is taken when {@code false})
	 * @throws IllegalArgumentException if {@code permits} is less than 1
	 */
	boolean tryAcquire(int permits);

	/**
	 * Reserves {@code permits} tokens however long the wait, as Go's {@code ReserveN}; the
	 * reservation is not {@link Reservation#ok() ok} only if no wait could grant them.
	 *
	 * @throws IllegalArgumentException if {@code permits} is less than 1
	 */
	default Reservation reserve(int permits) {
		return reserve(permits, Acquire.FOREVER);
	}

	/**
	 * Reserves {@code permits} tokens if the wait for them is at most {@code maxWait}; otherwise
	 * takes nothing and returns a reservation that is not {@link Reservation#ok() ok}.
	 *
	 * @throws IllegalArgumentException if {@code permits} is less than 1 or {@code maxWait} negative
	 */
	Reservation reserve(int permits, Duration maxWait);

	/** {@code acquire(1)}. */
	default Mono<Void> acquire() {
		return acquire(1);
	}

	/**
	 * A {@link Mono} that, on each subscription, reserves {@code permits} tokens and completes when
	 * they are granted: at once if they are available, otherwise on a timer of {@link #scheduler()},
	 * never blocking a thread (Go's {@code WaitN}).
	 * <p>
	 * It fails at once, without taking anything, with {@link BurstExceededException} if
	 * {@code permits} exceeds {@link #burst()}, with {@link WaitPastDeadlineException} if the wait
	 * would end after the deadline found in the subscriber's {@code Context}
	 * (see {@link io.gopherflux.context.Deadline}), and with {@link PermitsDeniedException} if no
	 * wait could grant them. Cancelling it before it completes cancels the reservation: its
	 * tokens go back to the limiter as {@link Reservation#cancel()} describes, and the timer is
	 * stopped.
	 *
	 * @throws IllegalArgumentException if {@code permits} is less than 1
	 */
	default Mono<Void> acquire(int permits) {
		return Acquire.mono(this, permits, Acquire.FOREVER);
	}

	/**
	 * {@link #acquire(int)} that also fails at once, with {@link WaitPastDeadlineException}, if the
	 * wait would be longer than {@code maxWait} (the earlier of this and a deadline in the
	 * {@code Context} applies).
	 *
	 * @throws IllegalArgumentException if {@code permits} is less than 1 or {@code maxWait} negative
	 */
	default Mono<Void> acquire(int permits, Duration maxWait) {
		return Acquire.mono(this, permits, maxWait);
	}
}
