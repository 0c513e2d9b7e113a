package io.gopherflux.ratelimit;

import java.util.Objects;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Operators that put a {@link RateLimiter} in a reactive pipeline, for {@code transform}: the
 * functions hold no per-subscriber state, so one function may serve many pipelines, and every
 * subscription takes its permits from the same limiter.
 * <ul>
 * <li>{@link #elements(RateLimiter)}: each element passes only when a permit is granted;</li>
 * <li>{@link #batches(RateLimiter, int)}: each permit lets a batch of elements pass;</li>
 * <li>{@link #subscriptions(RateLimiter)} / {@link #subscription(RateLimiter)}: each subscription
 * waits for one permit before subscribing to the source.</li>
 * </ul>
 * Each permit is one decision of the limiter: a {@link LocalRateLimiter} is first asked
 * synchronously ({@link LocalRateLimiter#tryAcquire()}), and waited for with
 * {@link RateLimiter#acquire()} only when it has no token now; any other limiter (one kept in
 * Redis) is asked exactly once per permit, with {@link RateLimiter#acquire()}.
 */
public final class RateLimit {

	private RateLimit() {
	}

	/**
	 * Lets each element through only when the limiter grants a permit for it, preserving order,
	 * backpressure and the source's signals.
	 * <p>
	 * The source is asked for one element per permit, and for the next only once the previous one
	 * has arrived and downstream wants more: the source is never requested faster than the
	 * limiter allows, and nothing is buffered. A permit that has to wait does so on a timer of
	 * the limiter's scheduler, never blocking a thread. Cancelling, or the source terminating,
	 * cancels a permit being waited for, which gives its tokens back to the limiter (see
	 * {@link Reservation#cancel()}). If a permit cannot be granted (the limiter's rate is zero
	 * and its burst used up, or the wait would pass a deadline in the subscriber's
	 * {@code Context}), the source is cancelled and the error, a {@link RateLimitException} (or
	 * the limiter's own error when it cannot decide), is emitted. A {@code request(n)} with
	 * {@code n <= 0} cancels the source and fails the Flux with an {@link IllegalArgumentException}.
	 *
	 * @param <T>     the type of the elements
	 * @param limiter the limiter every subscription takes its permits from
	 * @return a function for {@code transform}
	 */
	public static <T> Function<Flux<T>, Flux<T>> elements(RateLimiter limiter) {
		return batches(limiter, 1);
	}

	/**
	 * As {@link #elements(RateLimiter)}, but each permit lets up to {@code batchSize} elements
	 * through: the limit then counts batches, and the source is asked for up to
	 * {@code batchSize} elements per permit.
	 *
	 * @param <T>       the type of the elements
	 * @param limiter   the limiter every subscription takes its permits from
	 * @param batchSize how many elements one permit lets through
	 * @return a function for {@code transform}
	 * @throws IllegalArgumentException if {@code batchSize} is less than 1
	 */
	public static <T> Function<Flux<T>, Flux<T>> batches(RateLimiter limiter, int batchSize) {
		Objects.requireNonNull(limiter, "limiter");
		if (batchSize < 1) {
			throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
		}
		return source -> FluxRateLimit.of(source, limiter, batchSize);
	}

	/**
	 * Makes each subscription to the Flux wait for one permit (see {@link RateLimiter#acquire()})
	 * before it subscribes to the source: the limit counts subscriptions, for example calls to a
	 * remote service, not elements. Errors and cancellation are those of
	 * {@link RateLimiter#acquire()}: a subscription cancelled before its permit is granted takes
	 * nothing from the limiter (or gives back what it took) and never subscribes to the source.
	 *
	 * @param <T>     the type of the elements
	 * @param limiter the limiter every subscription takes its permit from
	 * @return a function for {@code transform}
	 */
	public static <T> Function<Flux<T>, Flux<T>> subscriptions(RateLimiter limiter) {
		Objects.requireNonNull(limiter, "limiter");
		return source -> limiter.acquire().thenMany(source);
	}

	/**
	 * {@link #subscriptions(RateLimiter)} for a {@link Mono}.
	 *
	 * @param <T>     the type of the value
	 * @param limiter the limiter every subscription takes its permit from
	 * @return a function for {@code transform}
	 */
	public static <T> Function<Mono<T>, Mono<T>> subscription(RateLimiter limiter) {
		Objects.requireNonNull(limiter, "limiter");
		return source -> limiter.acquire().then(source);
	}
}
