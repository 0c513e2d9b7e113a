package io.gopherflux.server.internal.endpoints;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import io.gopherflux.server.Exchange;
import io.gopherflux.server.internal.http.Json;
import io.gopherflux.server.internal.live.LivePage;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * {@code GET /}: the endpoints, each with its method, path, parameters and a line on what it does,
 * as JSON; or, for a browser, the live page ({@link LivePage}).
 */
public final class IndexEndpoint {

	/**
	 * One line of the index.
	 *
	 * @param path       the endpoint's path
	 * @param parameters the names of its query parameters
	 * @param summary    what it does
	 * @param details    each parameter's name, type, default and range
	 */
	public record Entry(String path, Set<String> parameters, String summary, List<Map<String, Object>> details) {
	}

	private final Supplier<List<Entry>> entries;

	/** @param entries the endpoints to list, read on each request */
	public IndexEndpoint(Supplier<List<Entry>> entries) {
		this.entries = Objects.requireNonNull(entries, "entries");
	}

	/**
	 * Answers a request.
	 *
	 * @param exchange the request
	 * @return the response sent
	 */
	public Publisher<Void> handle(Exchange exchange) {
		return LivePage.orJson(exchange.request(), exchange.response(), () -> json(exchange));
	}

	private Publisher<Void> json(Exchange exchange) {
		List<Object> endpoints = new ArrayList<>();
		for (Entry entry : entries.get()) {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("method", "GET");
			json.put("path", entry.path());
			json.put("parameters", entry.parameters().stream().sorted().toList());
			json.put("summary", entry.summary());
			json.put("parameterDetails", entry.details());
			endpoints.add(json);
		}
		byte[] bytes = Json.write(Map.of("endpoints", endpoints)).getBytes(StandardCharsets.UTF_8);
		// Set here, not left to Reactor Netty, so that HEAD says it as GET does.
		return exchange.response()
				.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
				.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
				.sendByteArray(Mono.just(bytes))
				.then();
	}
}
