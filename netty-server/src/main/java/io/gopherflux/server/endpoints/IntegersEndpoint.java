package io.gopherflux.server.endpoints;

import java.util.Objects;
import java.util.Set;

import io.gopherflux.channel.Generators;
import io.gopherflux.server.http.EventEncoder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * {@code GET /streams/integers?from=&count=&rate=}: the book's generator pipeline, {@code repeatFn}
 * over a counter, cut by {@code take}; each element is {@code {"value":n}}.
 */
public final class IntegersEndpoint implements Endpoint {

	/** The most integers one stream may ask for. */
	public static final long MAX_COUNT = 10_000_000;
	static final long MAX_FROM = 1_000_000_000_000_000L;

	static final EventEncoder<Long> ENCODER = EventEncoder.wholeNumber(null, "{\"value\":");

	private final Streaming streaming;

	/** @param streaming how streams are sent */
	public IntegersEndpoint(Streaming streaming) {
		this.streaming = Objects.requireNonNull(streaming, "streaming");
	}

	@Override
	public Set<String> parameters() {
		return Set.of("from", "count", Streaming.RATE, Streaming.FORMAT);
	}

	@Override
	public Publisher<Void> handle(Exchange exchange) {
		long from = exchange.query().integer("from", 0, -MAX_FROM, MAX_FROM);
		long count = exchange.query().integer("count", 10, 0, MAX_COUNT);
		return streaming.send(exchange, integers(from, count), ENCODER);
	}

	/** {@code count} integers from {@code from}: a fresh counter per subscription. */
	static Flux<Long> integers(long from, long count) {
		return Flux.defer(() -> {
			long[] next = {from};
			return Generators.repeatFn(() -> next[0]++).take(count, true);
		});
	}
}
