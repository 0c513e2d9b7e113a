package io.gopherflux.steward;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Binds {@link StewardMetrics} to Micrometer; the only class of the steward that imports it.
 * Meters, each tagged with {@code ward} (the steward's name):
 * <ul>
 * <li>{@code gopherflux.steward.restarts}: counter, also tagged {@code reason}
 * ({@code timeout}, {@code error} or {@code completed});</li>
 * <li>{@code gopherflux.steward.heartbeat.timeouts}: counter of missed heartbeats;</li>
 * <li>{@code gopherflux.steward.ward.uptime}: time gauge, how long the current ward has been
 * running, zero while none runs (measured on the given scheduler's clock; with several
 * subscriptions under one name, the one that started last).</li>
 * </ul>
 */
public final class MicrometerStewardMetrics implements StewardMetrics {

	private final MeterRegistry registry;
	private final Scheduler clock;
	private final Map<String, Uptime> uptimes = new ConcurrentHashMap<>();

	/**
	 * Reports to {@code registry}, measuring uptime on {@link Schedulers#parallel()}'s clock.
	 *
	 * @param registry where to register the meters
	 */
	public MicrometerStewardMetrics(MeterRegistry registry) {
		this(registry, Schedulers.parallel());
	}

	/**
	 * Reports to {@code registry}, measuring uptime on {@code clock} (give it the steward's
	 * scheduler).
	 *
	 * @param registry where to register the meters
	 * @param clock    the clock uptime is measured on
	 */
	public MicrometerStewardMetrics(MeterRegistry registry, Scheduler clock) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	@Override
	public void wardStarted(String ward) {
		Uptime uptime = uptime(ward);
		uptime.startedAt = clock.now(TimeUnit.NANOSECONDS);
		uptime.running.incrementAndGet();
	}

	@Override
	public void wardStopped(String ward) {
		uptime(ward).running.decrementAndGet();
	}

	@Override
	public void heartbeatMissed(String ward) {
		Counter.builder("gopherflux.steward.heartbeat.timeouts")
				.description("Wards cancelled because they sent no heartbeat within the timeout")
				.tag("ward", ward)
				.register(registry)
				.increment();
	}

	@Override
	public void restarted(String ward, RestartReason reason) {
		Counter.builder("gopherflux.steward.restarts")
				.description("Restarts of a steward's ward")
				.tag("ward", ward)
				.tag("reason", reason.tag())
				.register(registry)
				.increment();
	}

	private Uptime uptime(String ward) {
		return uptimes.computeIfAbsent(ward, name -> {
			Uptime uptime = new Uptime();
			TimeGauge.builder("gopherflux.steward.ward.uptime", uptime, TimeUnit.NANOSECONDS,
							u -> u.running.get() > 0 ? clock.now(TimeUnit.NANOSECONDS) - u.startedAt : 0)
					.description("How long the steward's current ward has been running")
					.tag("ward", name)
					.register(registry);
			return uptime;
		});
	}

	// A replaced ward may report its stop after its successor's start: running is a count.
	private static final class Uptime {
		volatile long startedAt;
		final AtomicInteger running = new AtomicInteger();
	}
}
