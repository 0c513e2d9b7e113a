/**
 * Rate limiting (chapter 5) with the operations of Go's {@code golang.org/x/time/rate}, in one
 * process; {@code io.gopherflux.ratelimit.redis} shares a budget between processes.
 * <p>
 * {@link RateLimiter} is the contract every backend meets: {@link RateLimiter#reserve reserve} is
 * one decision as a {@code Mono} (permits taken ahead of time, with how long to wait: a
 * {@link Reservation} that can be cancelled to give them back), and
 * {@link RateLimiter#acquire acquire}, built on it once, is a {@code Mono} that waits on a timer,
 * never on a thread, honouring a deadline in the subscriber's {@code Context}.
 * {@link LocalRateLimiter} adds what only an in-process limiter can do synchronously and without
 * allocating: {@link LocalRateLimiter#tryAcquire tryAcquire} takes permits now or not at all, and
 * {@link LocalRateLimiter#reserveNow reserveNow} reserves at once. A {@link Limit} is a rate in
 * events per second.
 * <ul>
 * <li>{@link TokenBucket}: a lock-free token bucket (configured by {@link TokenBucketConfig},
 * reading a {@link NanoClock});</li>
 * <li>{@link MultiLimiter}: several limiters granting all or nothing, the book's
 * {@code multiLimiter};</li>
 * <li>{@link RateLimit}: functions for {@code transform} that let elements, batches of elements or
 * subscriptions through a limiter; a wait that is cancelled gives its permits back.</li>
 * </ul>
 * A refusal reported as an error is a {@link RateLimitException}. Decisions are reported to the
 * {@link RateLimiterMetrics} port; {@link MicrometerRateLimiterMetrics} binds it to Micrometer, an
 * optional dependency.
 */
package io.gopherflux.ratelimit;
