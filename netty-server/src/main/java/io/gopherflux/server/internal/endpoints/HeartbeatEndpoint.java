package io.gopherflux.server.internal.endpoints;

import java.time.Duration;
import java.util.Objects;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import io.gopherflux.server.Exchange;
import io.gopherflux.server.Parameters;
import io.gopherflux.server.http.EventEncoder;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * {@code GET /streams/heartbeat?interval=&count=}: the book's heartbeat. A worker produces
 * {@code count} results, one every two intervals, and pulses every {@code interval} while it
 * works: {@code event: value} / {@code {"type":"value","value":n}} and {@code event: pulse} /
 * {@code {"type":"pulse"}}. A pulse that finds the client not reading is dropped, never queued.
 * Each value's event ID is its number (pulses have none): a client resuming with
 * {@code Last-Event-ID} gets the values after it, a 204 after the last.
 */
public final class HeartbeatEndpoint {

	/** The most results one stream may ask for. */
	public static final long MAX_COUNT = 100_000;
	static final Duration MIN_INTERVAL = Duration.ofMillis(10);
	static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

	static final EventEncoder<Long> VALUES = EventEncoder.wholeNumber("value", "{\"type\":\"value\",\"value\":", true);
	/** Values and pulses. */
	public static final EventEncoder<Beat<Long>> ENCODER = new BeatEncoder<>(VALUES);

	private final Scheduler timers;

	/** @param timers the scheduler of the worker's pace and of the pulses */
	public HeartbeatEndpoint(Scheduler timers) {
		this.timers = Objects.requireNonNull(timers, "timers");
	}

	/**
	 * Declares {@code interval} and {@code count}.
	 *
	 * @param parameters the declaration
	 */
	public static void declare(Parameters parameters) {
		parameters.summary("'count' results with a pulse every 'interval' (heartbeat)")
				.duration("interval", Duration.ofSeconds(1), MIN_INTERVAL, MAX_INTERVAL)
				.integer("count", 10, 1, MAX_COUNT);
	}

	/**
	 * The beats of a fresh request.
	 *
	 * @param exchange the request
	 * @return values and pulses
	 */
	public Flux<Beat<Long>> open(Exchange exchange) {
		return beats(exchange, 0);
	}

	/**
	 * The beats after value {@code lastEventId}.
	 *
	 * @param exchange    the request
	 * @param lastEventId the {@code Last-Event-ID} sent
	 * @return the rest; empty after the last value
	 */
	public Flux<Beat<Long>> resumeAfter(Exchange exchange, String lastEventId) {
		long count = exchange.integer("count");
		long seen = LastEventId.parse(lastEventId, 0, count - 1);
		return seen == count - 1 ? Flux.empty() : beats(exchange, seen + 1);
	}

	private Flux<Beat<Long>> beats(Exchange exchange, long first) {
		Duration interval = exchange.duration("interval");
		long count = exchange.integer("count");
		Flux<Long> work = Flux.range((int) first, (int) (count - first))
				.map(Integer::longValue)
				.delayElements(interval.multipliedBy(2), timers);
		return Heartbeat.interval(work, interval, timers);
	}
}
