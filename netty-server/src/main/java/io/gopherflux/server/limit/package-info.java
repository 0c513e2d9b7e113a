/**
 * Who a request counts against and whether it may go ahead.
 * <p>
 * {@link ClientKeys} names the client of a request: its API key, else its address, believing
 * {@code X-Forwarded-For} only from the configured {@link AddressRange}s of trusted proxies.
 * {@link Plans} maps API keys to a {@link Plan}: request {@link Quota}s, a cap on each stream's
 * element rate and on open streams, the latter counted by {@link StreamSlots}.
 * <p>
 * A {@link ClientLimiter} decides each request under the client's plan and returns an
 * {@link Admission}, which {@link RateLimitHeaders} turns into the {@code RateLimit-Policy},
 * {@code RateLimit} and {@code Retry-After} header fields. {@link InMemoryClientLimiter} keeps a
 * bounded table of token buckets in the process; {@link RedisClientLimiter} shares the budgets of
 * every server through Redis, using the library's {@code io.gopherflux.ratelimit.redis} package.
 */
package io.gopherflux.server.limit;
