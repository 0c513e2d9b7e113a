package io.gopherflux.server.endpoints;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

import io.gopherflux.channel.Generators;
import io.gopherflux.server.http.EventEncoder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * {@code GET /streams/integers?from=&count=&rate=}: the book's generator pipeline, {@code repeatFn}
 * over a counter, cut by {@code take}; each element is {@code {"type":"value","value":n}} (SSE
 * event {@code value}). In SSE each event's ID is its integer, and a request carrying
 * {@code Last-Event-ID} (as a reconnecting {@code EventSource} does) resumes the same stream after
 * that integer; after the last one it is answered 204.
 */
public final class IntegersEndpoint implements Endpoint {

	/** The most integers one stream may ask for. */
	public static final long MAX_COUNT = 10_000_000;
	static final long MAX_FROM = 1_000_000_000_000_000L;

	/** Each integer is also its event's ID, so an SSE client resumes after the last one it saw. */
	static final EventEncoder<Long> ENCODER = EventEncoder.wholeNumber("value", "{\"type\":\"value\",\"value\":", true);

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
		OptionalLong seen = LastEventId.read(exchange, from, from + count - 1);
		if (seen.isPresent()) {
			long last = seen.getAsLong();
			if (last == from + count - 1) {
				return streaming.finished(exchange);
			}
			count = from + count - (last + 1);
			from = last + 1;
		}
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
