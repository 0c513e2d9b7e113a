package io.gopherflux.server.internal.endpoints;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import io.gopherflux.server.Exchange;
import io.gopherflux.server.Parameters;
import io.gopherflux.server.http.EventEncoder;
import io.gopherflux.server.http.Encoders;
import io.gopherflux.steward.RestartPolicy;
import io.gopherflux.steward.RestartReason;
import io.gopherflux.steward.Steward;
import io.gopherflux.steward.StewardConfig;
import io.gopherflux.steward.StewardMetrics;
import io.gopherflux.steward.Ward;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code GET /streams/ward?timeout=&count=&seed=}: the book's steward healing a ward that misbehaves
 * now and then. The ward counts, one value every {@value #PACE_MILLIS} ms; after a few values it
 * either crashes (an error) or hangs (stops pulsing), and the steward, which hears no pulse within
 * {@code timeout}, or sees the crash, starts a new one. Each start is an event,
 * {@code {"type":"start","ward":n,"reason":"timeout"|"error"|null}}, and each value
 * {@code {"type":"value","value":n}}; the steward's own pulses are {@code pulse} events. The count
 * carries on across restarts; the stream ends after {@code count} values. When the ward keeps
 * failing past the restart limit, the stream ends with an {@code error} event. Each value's event
 * ID is its number (starts and pulses have none): a client resuming with {@code Last-Event-ID}
 * gets a new steward counting on from the value after it, and a 204 after the last.
 * <p>
 * Restarts are counted by the steward metrics ({@code gopherflux_steward_restarts_total}) and
 * logged at debug level only: any client can start as many wards as its plan allows, and must not
 * set the volume of the server's warnings.
 */
public final class WardEndpoint {

	static final long PACE_MILLIS = 100;
	static final Duration MIN_TIMEOUT = Duration.ofMillis(50);
	static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
	/** The most values one stream may ask for. */
	public static final long MAX_COUNT = 100_000;

	/** What the ward reports: a start, or a value. */
	public sealed interface WardEvent permits Started, Counted {
	}

	/**
	 * The ward was (re)started: {@code {"type":"start","ward":n,"reason":...}}.
	 *
	 * @param ward   the start's number, from 1
	 * @param reason why the steward restarted it ({@code timeout} or {@code error}); null for the first start
	 */
	@JsonPropertyOrder({"type", "ward", "reason"})
	public record Started(int ward, String reason) implements WardEvent {

		/** @return {@code start} */
		@JsonProperty("type")
		public String type() {
			return "start";
		}
	}

	/**
	 * A value of the count: {@code {"type":"value","value":n}}.
	 *
	 * @param value the value
	 */
	@JsonPropertyOrder({"type", "value"})
	public record Counted(long value) implements WardEvent {

		/** @return {@code value} */
		@JsonProperty("type")
		public String type() {
			return "value";
		}
	}

	/** Each event by Jackson; a value's ID is its number (a client resumes after it), a start has none. */
	static final EventEncoder<WardEvent> EVENTS = Encoders.<WardEvent>json()
			.withEventName(event -> event instanceof Started ? "start" : "value")
			.withEventId(event -> event instanceof Counted counted ? Long.toString(counted.value()) : null);

	/** Starts, values and pulses. */
	public static final EventEncoder<Beat<WardEvent>> ENCODER = new BeatEncoder<>(EVENTS);

	private final Scheduler timers;
	private final StewardMetrics metrics;

	/**
	 * @param timers  the scheduler of the wards' pace, the pulses and the steward's timeouts
	 * @param metrics where the stewards report starts, restarts and missed heartbeats
	 */
	public WardEndpoint(Scheduler timers, StewardMetrics metrics) {
		this.timers = Objects.requireNonNull(timers, "timers");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
	}

	/**
	 * Declares {@code timeout}, {@code count} and {@code seed}.
	 *
	 * @param parameters the declaration
	 */
	public static void declare(Parameters parameters) {
		parameters.summary("a flaky ward healed by a steward with 'timeout'; restarts are events")
				.duration("timeout", Duration.ofSeconds(1), MIN_TIMEOUT, MAX_TIMEOUT)
				.integer("count", 20, 1, MAX_COUNT)
				.seed("seed");
	}

	/**
	 * The healed ward's events of a fresh request.
	 *
	 * @param exchange the request
	 * @return starts, values and the steward's pulses, until {@code count} values
	 */
	public Flux<Beat<WardEvent>> open(Exchange exchange) {
		return healed(exchange, 0);
	}

	/**
	 * A new steward counting on after value {@code lastEventId}.
	 *
	 * @param exchange    the request
	 * @param lastEventId the {@code Last-Event-ID} sent
	 * @return the rest; empty after the last value
	 */
	public Flux<Beat<WardEvent>> resumeAfter(Exchange exchange, String lastEventId) {
		long count = exchange.integer("count");
		long seen = LastEventId.parse(lastEventId, 0, count - 1);
		return seen == count - 1 ? Flux.empty() : healed(exchange, seen + 1);
	}

	private Flux<Beat<WardEvent>> healed(Exchange exchange, long first) {
		Duration timeout = exchange.duration("timeout");
		long count = exchange.integer("count");
		long seed = exchange.integer("seed");
		Flux<Beat<WardEvent>> healed = Flux.defer(() -> {
			AtomicReference<String> lastRestart = new AtomicReference<>();
			StewardConfig config = StewardConfig.of("ward", timeout)
					.withScheduler(timers)
					.withRestartPolicy(RestartPolicy.backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
							.withLimit(10, Duration.ofSeconds(10)))
					.withMetrics(new Recording(metrics, lastRestart))
					// Each request starts a steward: its restarts are counted, and logged only at debug level.
					.withWarnOnRestart(false);
			return Steward.of(config, new FlakyWard(new SplittableRandom(seed), lastRestart, timers, first))
					.start(timeout.dividedBy(2));
		});
		AtomicLong values = new AtomicLong();
		return healed.takeUntil(beat -> beat instanceof Beat.Value<WardEvent> v
				&& v.value() instanceof Counted && values.incrementAndGet() >= count - first);
	}

	/** A ward that counts for a while, then crashes or hangs. */
	static final class FlakyWard implements Ward<WardEvent> {

		final SplittableRandom random;
		final AtomicReference<String> lastRestart;
		final Scheduler timers;
		final AtomicInteger starts = new AtomicInteger();
		final AtomicLong next;

		FlakyWard(SplittableRandom random, AtomicReference<String> lastRestart, Scheduler timers, long first) {
			this.random = random;
			this.lastRestart = lastRestart;
			this.timers = timers;
			this.next = new AtomicLong(first);
		}

		@Override
		public Publisher<Beat<WardEvent>> start(Duration pulseInterval) {
			return Flux.defer(() -> {
				int ward = starts.incrementAndGet();
				int healthy;
				boolean crash;
				synchronized (random) {
					healthy = random.nextInt(3, 12);
					crash = random.nextBoolean();
				}
				Flux<WardEvent> work = Flux.concat(
						Mono.just(new Started(ward, lastRestart.get())),
						Flux.range(0, healthy)
								.concatMap(i -> Mono.delay(Duration.ofMillis(PACE_MILLIS), timers)
										.map(tick -> new Counted(next.getAndIncrement()))));
				Flux<Beat<WardEvent>> beats = Heartbeat.interval(
						crash ? work.concatWith(Mono.error(new IllegalStateException("ward " + ward + " crashed"))) : work,
						pulseInterval, timers);
				return crash ? beats : beats.concatWith(Flux.never());
			});
		}
	}

	/** Passes reports on to the server's metrics and remembers why the ward was last restarted. */
	record Recording(StewardMetrics delegate, AtomicReference<String> lastRestart) implements StewardMetrics {

		@Override
		public void wardStarted(String ward) {
			delegate.wardStarted(ward);
		}

		@Override
		public void wardStopped(String ward) {
			delegate.wardStopped(ward);
		}

		@Override
		public void heartbeatMissed(String ward) {
			delegate.heartbeatMissed(ward);
		}

		@Override
		public void restarted(String ward, RestartReason reason) {
			lastRestart.set(reason.tag());
			delegate.restarted(ward, reason);
		}
	}
}
