package io.gopherflux.server.endpoints;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import io.gopherflux.server.http.EventEncoder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * {@code GET /streams/heartbeat?interval=&count=}: the book's heartbeat. A worker produces
 * {@code count} results, one every two intervals, and pulses every {@code interval} while it
 * works: {@code event: value} / {@code {"type":"value","value":n}} and {@code event: pulse} /
 * {@code {"type":"pulse"}}. A pulse that finds the client not reading is dropped, never queued.
 * Each value's event ID is its number (pulses have none): a client resuming with
 * {@code Last-Event-ID} gets the values after it, a 204 after the last.
 */
public final class HeartbeatEndpoint implements Endpoint {

	/** The most results one stream may ask for. */
	public static final long MAX_COUNT = 100_000;
	static final Duration MIN_INTERVAL = Duration.ofMillis(10);
	static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

	static final EventEncoder<Long> VALUES = EventEncoder.wholeNumber("value", "{\"type\":\"value\",\"value\":", true);

	private final Streaming streaming;

	/** @param streaming how streams are sent */
	public HeartbeatEndpoint(Streaming streaming) {
		this.streaming = Objects.requireNonNull(streaming, "streaming");
	}

	@Override
	public Set<String> parameters() {
		return Set.of("interval", "count", Streaming.RATE, Streaming.FORMAT);
	}

	@Override
	public Publisher<Void> handle(Exchange exchange) {
		Duration interval = exchange.query().duration("interval", Duration.ofSeconds(1), MIN_INTERVAL, MAX_INTERVAL);
		long count = exchange.query().integer("count", 10, 1, MAX_COUNT);
		OptionalLong seen = LastEventId.read(exchange, 0, count - 1);
		if (seen.isPresent() && seen.getAsLong() == count - 1) {
			return streaming.finished(exchange);
		}
		long first = seen.isPresent() ? seen.getAsLong() + 1 : 0;
		Flux<Long> work = Flux.range((int) first, (int) (count - first))
				.map(Integer::longValue)
				.delayElements(interval.multipliedBy(2), streaming.timers());
		Flux<Beat<Long>> beats = Heartbeat.interval(work, interval, streaming.timers());
		return streaming.send(exchange, beats, new BeatEncoder<>(VALUES));
	}
}
