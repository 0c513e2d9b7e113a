package io.gopherflux.ratelimit.redis;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Reports on the Redis behind {@link RedisRateLimiters} to a Micrometer {@link MeterRegistry}; the
 * only class of this package that uses Micrometer (an optional dependency).
 * <p>
 * Meters, all tagged {@code limiter=<name>}:
 * <ul>
 * <li>{@value #AVAILABLE} (gauge): 1 while Redis answers, 0 while the failure policy decides;</li>
 * <li>{@value #TRANSITIONS} (counter), tagged {@code to=available|unavailable}: changes of state;</li>
 * <li>{@value #DEGRADED} (counter): permits decided by the failure policy instead of Redis;</li>
 * <li>{@value #SCRIPT_RELOADS} (counter): scripts sent again after Redis forgot them;</li>
 * <li>{@value #ROUND_TRIP} (timer): how long script calls take to answer.</li>
 * </ul>
 */
public final class MicrometerRedisLimiterMetrics implements RedisLimiterMetrics {

	/** The name of the availability gauge. */
	public static final String AVAILABLE = "gopherflux.ratelimit.redis.available";

	/** The name of the state-change counter. */
	public static final String TRANSITIONS = "gopherflux.ratelimit.redis.transitions";

	/** The name of the counter of permits decided without Redis. */
	public static final String DEGRADED = "gopherflux.ratelimit.redis.degraded";

	/** The name of the script reload counter. */
	public static final String SCRIPT_RELOADS = "gopherflux.ratelimit.redis.script.reloads";

	/** The name of the round-trip timer. */
	public static final String ROUND_TRIP = "gopherflux.ratelimit.redis.round.trip";

	private final AtomicInteger available = new AtomicInteger(1);
	private final Counter toAvailable;
	private final Counter toUnavailable;
	private final Counter degraded;
	private final Counter scriptReloads;
	private final Timer roundTrip;

	/**
	 * @param registry    where the meters are registered
	 * @param limiterName the value of the {@code limiter} tag
	 */
	public MicrometerRedisLimiterMetrics(MeterRegistry registry, String limiterName) {
		Objects.requireNonNull(registry, "registry");
		Objects.requireNonNull(limiterName, "limiterName");
		Gauge.builder(AVAILABLE, available, AtomicInteger::get)
				.description("1 while Redis answers the rate limiter, 0 while its failure policy decides")
				.tag("limiter", limiterName)
				.register(registry);
		this.toAvailable = transitions(registry, limiterName, "available");
		this.toUnavailable = transitions(registry, limiterName, "unavailable");
		this.degraded = Counter.builder(DEGRADED)
				.description("Permits decided by the failure policy instead of Redis")
				.baseUnit("permits")
				.tag("limiter", limiterName)
				.register(registry);
		this.scriptReloads = Counter.builder(SCRIPT_RELOADS)
				.description("Scripts sent again in full after Redis forgot them")
				.tag("limiter", limiterName)
				.register(registry);
		this.roundTrip = Timer.builder(ROUND_TRIP)
				.description("How long rate-limiting script calls take to answer")
				.tag("limiter", limiterName)
				.register(registry);
	}

	private static Counter transitions(MeterRegistry registry, String limiterName, String to) {
		return Counter.builder(TRANSITIONS)
				.description("Changes of Redis availability seen by the rate limiter")
				.tag("limiter", limiterName)
				.tag("to", to)
				.register(registry);
	}

	@Override
	public void availabilityChanged(boolean available) {
		this.available.set(available ? 1 : 0);
		(available ? toAvailable : toUnavailable).increment();
	}

	@Override
	public void degraded(int permits) {
		degraded.increment(permits);
	}

	@Override
	public void scriptReloaded() {
		scriptReloads.increment();
	}

	@Override
	public void roundTrip(long nanos) {
		roundTrip.record(nanos, TimeUnit.NANOSECONDS);
	}
}
