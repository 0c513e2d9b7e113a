package io.gopherflux.server.endpoints;

import java.util.Objects;
import java.util.Set;

import io.gopherflux.channel.Generators;
import io.gopherflux.server.http.EventEncoder;
import io.gopherflux.server.http.ProblemException;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * {@code GET /streams/integers?from=&count=&rate=}: the book's generator pipeline, {@code repeatFn}
 * over a counter, cut by {@code take}; each element is {@code {"value":n}}. In SSE each event's ID
 * is its integer, and a request carrying {@code Last-Event-ID} (as a reconnecting
 * {@code EventSource} does) resumes the same stream after that integer.
 */
public final class IntegersEndpoint implements Endpoint {

	/** The most integers one stream may ask for. */
	public static final long MAX_COUNT = 10_000_000;
	static final long MAX_FROM = 1_000_000_000_000_000L;

	/** Each integer is also its event's ID, so an SSE client resumes after the last one it saw. */
	static final EventEncoder<Long> ENCODER = EventEncoder.wholeNumber(null, "{\"value\":", true);
	/** The header field a reconnecting {@code EventSource} sends. */
	static final String LAST_EVENT_ID = "Last-Event-ID";

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
		String lastEventId = exchange.request().requestHeaders().get(LAST_EVENT_ID);
		if (lastEventId != null) {
			long last = lastSeen(lastEventId, from, count);
			count = from + count - (last + 1);
			from = last + 1;
		}
		return streaming.send(exchange, integers(from, count), ENCODER);
	}

	/**
	 * The last integer a resuming client saw, which must be one of this stream's.
	 *
	 * @throws ProblemException (400) naming {@value #LAST_EVENT_ID} otherwise
	 */
	static long lastSeen(String lastEventId, long from, long count) {
		long last;
		try {
			last = Long.parseLong(lastEventId.trim());
		}
		catch (NumberFormatException e) {
			last = Long.MIN_VALUE;
		}
		if (count == 0 || last < from || last > from + count - 1) {
			throw ProblemException.badParameter(LAST_EVENT_ID, LAST_EVENT_ID + " must be the ID of an event of this "
					+ "stream, from " + from + " to " + (from + count - 1) + ", was '" + lastEventId + "'");
		}
		return last;
	}

	/** {@code count} integers from {@code from}: a fresh counter per subscription. */
	static Flux<Long> integers(long from, long count) {
		return Flux.defer(() -> {
			long[] next = {from};
			return Generators.repeatFn(() -> next[0]++).take(count, true);
		});
	}
}
