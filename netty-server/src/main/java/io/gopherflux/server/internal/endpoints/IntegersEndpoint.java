package io.gopherflux.server.internal.endpoints;

import io.gopherflux.channel.Generators;
import io.gopherflux.server.Exchange;
import io.gopherflux.server.Parameters;
import io.gopherflux.server.http.EventEncoder;
import reactor.core.publisher.Flux;

/**
 * {@code GET /streams/integers?from=&count=&rate=}: the book's generator pipeline, {@code repeatFn}
 * over a counter, cut by {@code take}; each element is {@code {"type":"value","value":n}} (SSE
 * event {@code value}). In SSE each event's ID is its integer, and a request carrying
 * {@code Last-Event-ID} (as a reconnecting {@code EventSource} does) resumes the same stream after
 * that integer; after the last one it is answered 204.
 */
public final class IntegersEndpoint {

	/** The most integers one stream may ask for. */
	public static final long MAX_COUNT = 10_000_000;
	static final long MAX_FROM = 1_000_000_000_000_000L;

	/** Each integer is also its event's ID, so an SSE client resumes after the last one it saw. */
	public static final EventEncoder<Long> ENCODER = EventEncoder.wholeNumber("value", "{\"type\":\"value\",\"value\":", true);

	/** A stream of the routes builder. */
	public IntegersEndpoint() {
	}

	/**
	 * Declares {@code from} and {@code count}.
	 *
	 * @param parameters the declaration
	 */
	public static void declare(Parameters parameters) {
		parameters.summary("count from 'from', 'count' integers (generator pipeline)")
				.integer("from", 0, -MAX_FROM, MAX_FROM)
				.integer("count", 10, 0, MAX_COUNT);
	}

	/**
	 * The integers a request asks for.
	 *
	 * @param exchange the request
	 * @return {@code count} integers from {@code from}
	 */
	public Flux<Long> open(Exchange exchange) {
		return integers(exchange.integer("from"), exchange.integer("count"));
	}

	/**
	 * The integers after {@code lastEventId}, the last one the client saw.
	 *
	 * @param exchange    the request
	 * @param lastEventId the {@code Last-Event-ID} sent
	 * @return the rest of the stream; empty after the last integer
	 */
	public Flux<Long> resumeAfter(Exchange exchange, String lastEventId) {
		long from = exchange.integer("from");
		long count = exchange.integer("count");
		long last = LastEventId.parse(lastEventId, from, from + count - 1);
		return last == from + count - 1 ? Flux.empty() : integers(last + 1, from + count - (last + 1));
	}

	/** {@code count} integers from {@code from}: a fresh counter per subscription. */
	static Flux<Long> integers(long from, long count) {
		return Flux.defer(() -> {
			long[] next = {from};
			return Generators.repeatFn(() -> next[0]++).take(count, true);
		});
	}
}
