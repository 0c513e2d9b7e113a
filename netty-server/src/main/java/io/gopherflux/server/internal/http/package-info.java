/**
 * Internal, not an API: public only because Java needs it across packages; it may change in any
 * release without notice, and the published javadoc leaves it out. The API is {@code io.gopherflux.server},
 * {@code io.gopherflux.server.http} and {@code io.gopherflux.server.limit}.
 * <p>
 * The wire machinery.
 * <p>
 * {@link FluxWriteBatches} groups encoded elements into one buffer per network write under
 * backpressure, and {@link StreamBody} sends a stream that ends within its first batch as a single
 * response with a length, a longer one chunked. {@link QueryParameters} reads a request's query
 * strictly, {@link RequestHeaders} its header fields; {@link HttpConformance} refuses malformed
 * requests before any route; {@link Cors} answers browsers; {@link Json} writes the server's own
 * small JSON (problems, the index, health, error events) and numbers straight into buffers;
 * {@link Durations} reads and writes {@code 250ms}-style durations.
 */
package io.gopherflux.server.internal.http;
