package io.gopherflux.server.internal.endpoints;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.gopherflux.server.Exchange;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * {@code GET /metrics}: every meter of the registry in the Prometheus text format, among them
 * Reactor Netty's server meters ({@code reactor_netty_http_server_*}) and the library's
 * ({@code gopherflux_*}).
 */
public final class MetricsEndpoint {

	private final PrometheusMeterRegistry registry;

	/** @param registry the registry to scrape */
	public MetricsEndpoint(PrometheusMeterRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	/**
	 * Answers a request.
	 *
	 * @param exchange the request
	 * @return the response sent
	 */
	public Publisher<Void> handle(Exchange exchange) {
		byte[] bytes = registry.scrape().getBytes(StandardCharsets.UTF_8);
		// Set here, not left to Reactor Netty, so that HEAD says it as GET does.
		return exchange.response()
				.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
				.header(HttpHeaderNames.CACHE_CONTROL, "no-store")
				.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
				.sendByteArray(Mono.just(bytes))
				.then();
	}
}
