/**
 * Internal (see {@link io.gopherflux.server.internal}): who a request counts against and what
 * the connection may hold.
 * <p>
 * {@link ClientKeys} names the client of a request: its API key, else its address, believing
 * {@code X-Forwarded-For} only from trusted proxies. {@link StreamSlots} counts each client's open
 * streams; {@link ConnectionGuard} caps connections per address and times out slow header reads
 * and idle connections; {@link RateLimitHeaders} turns an admission into the
 * {@code RateLimit-Policy}, {@code RateLimit} and {@code Retry-After} header fields.
 */
package io.gopherflux.server.internal.limit;
