/**
 * Distributed rate limiting on Redis: one budget shared by every instance of a service, with the
 * semantics of the in-process {@link io.gopherflux.ratelimit.TokenBucket}.
 * <p>
 * {@link io.gopherflux.ratelimit.redis.RedisRateLimiters} holds the connection (Lettuce, an
 * optional dependency of this library: add {@code io.lettuce:lettuce-core} to use this package),
 * the scripts and the failure policy; {@link io.gopherflux.ratelimit.redis.RedisRateLimiters#limiter}
 * gives a {@link io.gopherflux.ratelimit.redis.RedisRateLimiter} per budget, with one or more
 * {@link io.gopherflux.ratelimit.redis.Tier}s (per second, per minute) decided together in one
 * round trip. Configure it with {@link io.gopherflux.ratelimit.redis.RedisRateLimiterConfig}.
 * <ul>
 * <li>GCRA in one Lua script (EVALSHA; EVAL again after a NOSCRIPT), on Redis's clock
 * ({@code TIME}), so instances with skewed clocks agree; keys expire when their bucket is full, so
 * idle clients cost no memory.</li>
 * <li>Asynchronous, as every {@link io.gopherflux.ratelimit.RateLimiter}: {@code reserve} is one
 * round trip that never blocks, on any thread, and {@code acquire} is built on it.</li>
 * <li>Every call has a timeout; without Redis the {@link io.gopherflux.ratelimit.redis.FailurePolicy}
 * decides (in-process buckets, or a
 * {@link io.gopherflux.ratelimit.redis.RateLimiterUnavailableException} a server maps to 503),
 * with one log line and one metric per change of state, and recovery without a restart.</li>
 * </ul>
 */
package io.gopherflux.ratelimit.redis;
