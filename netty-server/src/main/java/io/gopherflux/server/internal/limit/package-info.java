/**
 * Internal, not an API: public only because Java needs it across packages; it may change in any
 * release without notice, and the published javadoc leaves it out. The API is {@code io.gopherflux.server},
 * {@code io.gopherflux.server.http} and {@code io.gopherflux.server.limit}.
 * <p>
 * Who a request counts against and what
 * the connection may hold.
 * <p>
 * {@link ClientKeys} names the client of a request: its API key, else its address, believing
 * {@code X-Forwarded-For} only from trusted proxies. {@link StreamSlots} counts each client's open
 * streams; {@link ConnectionGuard} caps connections per address and times out slow header reads
 * and idle connections; {@link RateLimitHeaders} turns an admission into the
 * {@code RateLimit-Policy}, {@code RateLimit} and {@code Retry-After} header fields.
 */
package io.gopherflux.server.internal.limit;
