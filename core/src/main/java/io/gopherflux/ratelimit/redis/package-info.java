/**
 * Distributed rate limiting on Redis: one budget shared by every instance of a service, with the
 * semantics of the in-process {@link io.gopherflux.ratelimit.TokenBucket}.
 * <p>
 * {@link io.gopherflux.ratelimit.redis.RedisRateLimiters} is the entry point (Lettuce is an
 * optional dependency of this library: add {@code io.lettuce:lettuce-core} to use this package): on
 * one Redis or a Redis Cluster, through a client of its own made from a URI
 * ({@code redis://...}, {@code redis-cluster://host:port,host:port}, optionally on the application's
 * {@code ClientResources}) or on the application's own {@code RedisClient},
 * {@code RedisClusterClient} or connection. Inside it, one role per class: the scripts' runner
 * (EVALSHA, EVAL on NOSCRIPT, on whichever node holds the keys), Redis's availability (a small
 * state machine: unavailable once a threshold of calls failed within a window, a probe that only
 * asks Redis), and the in-process fallback buckets; {@link io.gopherflux.ratelimit.redis.RedisRateLimiters#limiter}
 * gives a {@link io.gopherflux.ratelimit.redis.RedisRateLimiter} per budget, with one or more
 * {@link io.gopherflux.ratelimit.redis.Tier}s (per second, per minute) decided together in one
 * round trip. Configure it with {@link io.gopherflux.ratelimit.redis.RedisRateLimiterConfig}.
 * <ul>
 * <li>GCRA in one Lua script (EVALSHA; EVAL again after a NOSCRIPT), on Redis's clock
 * ({@code TIME}, on a cluster that of the master holding the key), so instances with skewed clocks
 * agree; keys expire when their bucket is full, so idle clients cost no memory.</li>
 * <li>On a Redis Cluster every tier of a key lies in one slot (the key is the hash tag, escaped so
 * that no key, however chosen, splits its tiers or shares another's budget): one script, one round
 * trip; Lettuce follows {@code MOVED} and {@code ASK}, {@code TRYAGAIN} is tried again, and after a
 * failover limiting carries on on the promoted replica without a restart.</li>
 * <li>Asynchronous, as every {@link io.gopherflux.ratelimit.RateLimiter}: {@code reserve} is one
 * round trip that never blocks, on any thread, and {@code acquire} is built on it.</li>
 * <li>Every call has a timeout; without Redis the {@link io.gopherflux.ratelimit.redis.FailurePolicy}
 * decides (in-process buckets, or a
 * {@link io.gopherflux.ratelimit.redis.RateLimiterUnavailableException} a server maps to 503),
 * with one log line and one metric per change of state, and recovery without a restart.</li>
 * </ul>
 */
package io.gopherflux.ratelimit.redis;
