/**
 * API: plans and the limiters that admit requests under them.
 * <p>
 * {@link Plans} maps API keys to a {@link Plan}: request {@link Quota}s, a cap on each stream's
 * element rate and on open streams. A {@link ClientLimiter} decides each request under the
 * client's plan and returns an {@link Admission}. {@link InMemoryClientLimiter} keeps a bounded
 * table of token buckets in the process; {@link RedisClientLimiter} shares the budgets of every
 * server through Redis (using the library's {@code io.gopherflux.ratelimit.redis} package) and
 * signals the library's {@code RateLimiterUnavailableException} when it cannot decide, which the
 * routes answer with 503. {@link FairWorkers} shares CPU-bound work fairly among clients;
 * {@link ConnectionLimits} and {@link AddressRange} (trusted proxies) configure the connection
 * guard. Limiters know no HTTP: the routes turn their decisions into header fields and refusals.
 */
package io.gopherflux.server.limit;
