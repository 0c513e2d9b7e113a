/**
 * The gopherflux server: the library's patterns behind rate-limited streaming HTTP endpoints on
 * Reactor Netty, with Prometheus metrics.
 * <p>
 * {@link GopherfluxServer} is the runnable application: its {@code main} reads a
 * {@link ServerConfig} from {@code --name=value} flags and {@code GOPHERFLUX_*} environment
 * variables, binds an {@code HttpServer} and drains open streams on shutdown.
 * {@link GopherfluxRoutes} holds the same endpoints as routes that can be mounted in another
 * Reactor Netty server, with {@link GopherfluxRoutes#notFound()} as the catch-all.
 * {@link Durations} reads and writes the short durations ({@code 250ms}, {@code 10s}) that flags
 * and query parameters use.
 * <p>
 * The sub-packages hold the parts: {@code endpoints} one handler per endpoint, {@code http} the
 * wire formats and problem responses, {@code limit} client identification, plans and admission.
 * Which of these types are a supported API and which are internal is not settled yet.
 */
package io.gopherflux.server;
