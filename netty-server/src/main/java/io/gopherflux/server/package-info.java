/**
 * The gopherflux server: streaming HTTP endpoints on Reactor Netty, rate-limited per client, with
 * Prometheus metrics, usable as a library and runnable as an application.
 * <p>
 * The library: {@link GopherfluxRoutes#builder(ServerConfig)} registers endpoints, each with its
 * query {@link Parameters} declared once, and builds routes to mount in any Reactor Netty
 * {@code HttpServer}. A stream handler turns an {@link Exchange} into a {@code Flux}, which the
 * routes send negotiated (SSE or NDJSON), batched, throttled, admitted and resumable, with the
 * elements written by an {@link io.gopherflux.server.http.EventEncoder} (see
 * {@link io.gopherflux.server.http.Encoders}).
 * <p>
 * The application: {@link GopherfluxServer} reads a {@link ServerConfig} from {@code --name=value}
 * flags and {@code GOPHERFLUX_*} environment variables, registers the book's patterns as streams
 * through the same builder, binds an {@code HttpServer} and drains open streams on shutdown.
 * <p>
 * The package-private classes here are the request pipeline ({@code RequestPipeline}: query,
 * client, admission), error rendering ({@code ErrorResponses}) and the route table; the
 * sub-packages hold the parts: {@code endpoints} the built-in endpoints and the stream sender,
 * {@code http} the wire formats and problem responses, {@code limit} plans, limiters and client
 * identification.
 */
package io.gopherflux.server;
