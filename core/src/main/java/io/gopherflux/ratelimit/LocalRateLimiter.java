package io.gopherflux.ratelimit;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * A {@link RateLimiter} in this process, which can also decide synchronously, on the calling
 * thread, without waiting for anything: {@link #tryAcquire(int)} (Go's {@code AllowN}) and
 * {@link #reserveNow(int, Duration)} (Go's {@code ReserveN}). Implementations: {@link TokenBucket}
 * and {@link MultiLimiter}; their {@code tryAcquire} allocates nothing.
 * <p>
 * The asynchronous {@link #reserve(int, Duration)} is {@link #reserveNow(int, Duration)} made on
 * subscription, and {@link #acquire(int)} is built on it as for every limiter. The operators of
 * {@link RateLimit} try {@link #tryAcquire(int)} first and subscribe to {@link #acquire(int)} only
 * when it says no.
 */
public interface LocalRateLimiter extends RateLimiter {

	/**
	 * {@code tryAcquire(1)}.
	 *
	 * @return whether the token was taken
	 */
	default boolean tryAcquire() {
		return tryAcquire(1);
	}

	/**
	 * Takes {@code permits} tokens if they are all available now, as Go's {@code AllowN}; never
	 * waits.
	 *
	 * @param permits how many tokens
	 * @return whether the tokens were taken (nothing is taken when {@code false})
	 * @throws IllegalArgumentException if {@code permits} is less than 1
	 */
	boolean tryAcquire(int permits);

	/**
	 * {@link #reserveNow(int, Duration)} with no maximum wait, as Go's {@code ReserveN}.
	 *
	 * @param permits how many tokens
	 * @return the reservation
	 * @throws IllegalArgumentException if {@code permits} is less than 1
	 */
	default Reservation reserveNow(int permits) {
		return reserveNow(permits, FOREVER);
	}

	/**
	 * Reserves {@code permits} tokens on the calling thread if the wait for them is at most
	 * {@code maxWait}; otherwise takes nothing and returns a reservation that is not
	 * {@link Reservation#ok() ok}. The decision and the reservation are those that
	 * {@link #reserve(int, Duration)} emits.
	 *
	 * @param permits how many tokens
	 * @param maxWait the longest wait accepted; {@link RateLimiter#FOREVER} for no maximum
	 * @return the reservation
	 * @throws IllegalArgumentException if {@code permits} is less than 1 or {@code maxWait} negative
	 * @throws NullPointerException     if {@code maxWait} is {@code null}
	 */
	Reservation reserveNow(int permits, Duration maxWait);

	/**
	 * {@link #reserveNow(int, Duration)} when the {@code Mono} is requested (not when it is assembled,
	 * nor before {@code onSubscribe} returns). A reservation made for a subscriber that cancelled
	 * meanwhile is {@linkplain Reservation#undo() undone}.
	 */
	@Override
	default Mono<Reservation> reserve(int permits, Duration maxWait) {
		RateLimiter.requirePermits(permits);
		RateLimiter.requireMaxWaitNanos(maxWait);
		// The context write also hides the supplier's Callable from flatMap, which would otherwise
		// reserve while subscribing, before its subscriber's onSubscribe could cancel.
		return Mono.fromSupplier(() -> reserveNow(permits, maxWait))
				.doOnDiscard(Reservation.class, Reservation::undo);
	}
}
