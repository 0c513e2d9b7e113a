package io.gopherflux.server.internal.endpoints;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import io.gopherflux.server.internal.http.Json;
import io.gopherflux.server.internal.limit.StreamSlots;
import io.gopherflux.server.Exchange;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * {@code GET /health}: {@code {"status":"UP","activeStreams":n,"limiter":...}}. The server is up
 * while it answers; a limiter running on its fallback (Redis down, fail-open) says so in
 * {@code "limiter"} without making the server unhealthy.
 */
public final class HealthEndpoint {

	private final StreamSlots slots;
	private final Supplier<String> limiterState;

	/**
	 * @param slots        the open streams
	 * @param limiterState a word on the client limiter ({@code in-memory}, {@code redis}, {@code redis-unavailable})
	 */
	public HealthEndpoint(StreamSlots slots, Supplier<String> limiterState) {
		this.slots = Objects.requireNonNull(slots, "slots");
		this.limiterState = Objects.requireNonNull(limiterState, "limiterState");
	}

	/**
	 * Answers a request.
	 *
	 * @param exchange the request
	 * @return the response sent
	 */
	public Publisher<Void> handle(Exchange exchange) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("status", "UP");
		body.put("activeStreams", slots.active());
		body.put("limiter", limiterState.get());
		byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
		// Set here, not left to Reactor Netty, so that HEAD says it as GET does.
		return exchange.response()
				.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
				.header(HttpHeaderNames.CACHE_CONTROL, "no-store")
				.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
				.sendByteArray(Mono.just(bytes))
				.then();
	}
}
