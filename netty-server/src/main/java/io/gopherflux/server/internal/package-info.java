/**
 * Internal: not an API. The server module's supported API is the packages
 * {@code io.gopherflux.server}, {@code io.gopherflux.server.http} and
 * {@code io.gopherflux.server.limit}; everything under {@code io.gopherflux.server.internal} is
 * public only because Java needs it to be across packages, and may change in any release without
 * notice. Do not import it.
 * <p>
 * {@code internal.http} holds the wire machinery (write batches, stream bodies, query parsing,
 * HTTP conformance checks, CORS, the hand-written JSON writer kept for problem+json and the
 * built-in integers' hot path); {@code internal.limit} client identification, the connection
 * guard, stream slots and the RateLimit header fields; {@code internal.endpoints} the built-in
 * endpoints and the stream sender.
 */
package io.gopherflux.server.internal;
