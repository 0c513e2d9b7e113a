package io.gopherflux.server.endpoints;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import io.gopherflux.server.http.EventEncoder;
import io.gopherflux.server.http.Json;
import io.gopherflux.steward.RestartPolicy;
import io.gopherflux.steward.RestartReason;
import io.gopherflux.steward.Steward;
import io.gopherflux.steward.StewardConfig;
import io.gopherflux.steward.StewardMetrics;
import io.gopherflux.steward.Ward;
import io.netty.buffer.ByteBuf;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
public final class WardEndpoint implements Endpoint {

	static final long PACE_MILLIS = 100;
	static final Duration MIN_TIMEOUT = Duration.ofMillis(50);
	static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
	/** The most values one stream may ask for. */
	public static final long MAX_COUNT = 100_000;

	private static final byte[] START = Json.ascii("start");
	private static final byte[] VALUE = Json.ascii("value");

	/** What the ward reports: a start, or a value. */
	sealed interface WardEvent permits Started, Counted {
	}

	/** The ward was (re)started; {@code reason} is null for the first start. */
	record Started(int ward, String reason) implements WardEvent {
	}

	/** A value of the count. */
	record Counted(long value) implements WardEvent {
	}

	static final EventEncoder<WardEvent> ENCODER = new EventEncoder<>() {
		@Override
		public byte[] eventName(WardEvent event) {
			return event instanceof Started ? START : VALUE;
		}

		@Override
		public long eventId(WardEvent event) {
			return event instanceof Counted counted ? counted.value() : NO_ID;
		}

		@Override
		public void writeJson(WardEvent event, ByteBuf out) {
			Map<String, Object> json = new LinkedHashMap<>();
			if (event instanceof Started started) {
				json.put("type", "start");
				json.put("ward", started.ward());
				json.put("reason", started.reason());
			}
			else {
				json.put("type", "value");
				json.put("value", ((Counted) event).value());
			}
			out.writeBytes(Json.ascii(Json.write(json)));
		}
	};

	private final Streaming streaming;
	private final StewardMetrics metrics;

	/**
	 * @param streaming how streams are sent
	 * @param metrics   where the stewards report starts, restarts and missed heartbeats
	 */
	public WardEndpoint(Streaming streaming, StewardMetrics metrics) {
		this.streaming = Objects.requireNonNull(streaming, "streaming");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
	}

	@Override
	public Set<String> parameters() {
		return Set.of("timeout", "count", "seed", Streaming.RATE, Streaming.FORMAT);
	}

	@Override
	public Publisher<Void> handle(Exchange exchange) {
		Duration timeout = exchange.query().duration("timeout", Duration.ofSeconds(1), MIN_TIMEOUT, MAX_TIMEOUT);
		long count = exchange.query().integer("count", 20, 1, MAX_COUNT);
		long seed = exchange.query().integer("seed", System.nanoTime(), Long.MIN_VALUE, Long.MAX_VALUE);
		OptionalLong seen = LastEventId.read(exchange, 0, count - 1);
		if (seen.isPresent() && seen.getAsLong() == count - 1) {
			return streaming.finished(exchange);
		}
		long first = seen.isPresent() ? seen.getAsLong() + 1 : 0;
		Flux<Beat<WardEvent>> healed = Flux.defer(() -> {
			AtomicReference<String> lastRestart = new AtomicReference<>();
			StewardConfig config = StewardConfig.of("ward", timeout)
					.withScheduler(streaming.timers())
					.withRestartPolicy(RestartPolicy.backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
							.withLimit(10, Duration.ofSeconds(10)))
					.withMetrics(new Recording(metrics, lastRestart))
					// Each request starts a steward: its restarts are counted, and logged only at debug level.
					.withWarnOnRestart(false);
			return Steward.of(config, new FlakyWard(new SplittableRandom(seed), lastRestart, streaming, first))
					.start(timeout.dividedBy(2));
		});
		AtomicLong values = new AtomicLong();
		Flux<Beat<WardEvent>> limited = healed.takeUntil(beat -> beat instanceof Beat.Value<WardEvent> v
				&& v.value() instanceof Counted && values.incrementAndGet() >= count - first);
		return streaming.send(exchange, limited, new BeatEncoder<>(ENCODER));
	}

	/** A ward that counts for a while, then crashes or hangs. */
	static final class FlakyWard implements Ward<WardEvent> {

		final SplittableRandom random;
		final AtomicReference<String> lastRestart;
		final Streaming streaming;
		final AtomicInteger starts = new AtomicInteger();
		final AtomicLong next;

		FlakyWard(SplittableRandom random, AtomicReference<String> lastRestart, Streaming streaming, long first) {
			this.random = random;
			this.lastRestart = lastRestart;
			this.streaming = streaming;
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
								.concatMap(i -> Mono.delay(Duration.ofMillis(PACE_MILLIS), streaming.timers())
										.map(tick -> new Counted(next.getAndIncrement()))));
				Flux<Beat<WardEvent>> beats = Heartbeat.interval(
						crash ? work.concatWith(Mono.error(new IllegalStateException("ward " + ward + " crashed"))) : work,
						pulseInterval, streaming.timers());
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
