/**
 * What the server writes on the wire, independent of any one endpoint.
 * <p>
 * Streams are framed by a {@link StreamFormat} (Server-Sent Events or NDJSON) from the JSON
 * object an {@link EventEncoder} makes of each element; {@link Json} writes that JSON, numbers
 * straight into Netty buffers. {@link FluxWriteBatches} groups encoded elements into one buffer
 * per network write under backpressure, and {@link StreamBody} sends a stream that ends within its
 * first batch as a single response with a length, a longer one chunked.
 * <p>
 * Errors meant for the client are {@link ProblemException}s carrying a {@link Problem}, rendered as
 * {@code application/problem+json}; {@link QueryParameters} validates a request's query and
 * refuses a bad or unknown parameter with such a problem, naming it.
 */
package io.gopherflux.server.http;
