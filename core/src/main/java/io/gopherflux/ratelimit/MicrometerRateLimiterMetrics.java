package io.gopherflux.ratelimit;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Reports a rate limiter's decisions to a Micrometer {@link MeterRegistry}; the only class of the
 * library that uses Micrometer (an optional dependency).
 * <p>
 * Meters, all tagged {@code limiter=<name>}:
 * <ul>
 * <li>{@value #PERMITS} (counter), tagged {@code result=granted|denied|returned}: permits granted,
 * permits refused, and tokens given back by cancelled reservations;</li>
 * <li>{@value #WAIT} (timer): how long each granted reservation has to wait.</li>
 * </ul>
 */
public final class MicrometerRateLimiterMetrics implements RateLimiterMetrics {

	/** The name of the permits counter. */
	public static final String PERMITS = "gopherflux.ratelimit.permits";

	/** The name of the wait timer. */
	public static final String WAIT = "gopherflux.ratelimit.wait";

	private final Counter granted;
	private final Counter denied;
	private final Counter returned;
	private final Timer wait;

	/**
	 * @param registry    where the meters are registered
	 * @param limiterName the value of the {@code limiter} tag
	 */
	public MicrometerRateLimiterMetrics(MeterRegistry registry, String limiterName) {
		Objects.requireNonNull(registry, "registry");
		Objects.requireNonNull(limiterName, "limiterName");
		this.granted = permits(registry, limiterName, "granted", "Permits granted");
		this.denied = permits(registry, limiterName, "denied", "Permits refused");
		this.returned = permits(registry, limiterName, "returned", "Tokens given back by cancelled reservations");
		this.wait = Timer.builder(WAIT)
				.description("How long granted reservations wait for their permits")
				.tag("limiter", limiterName)
				.register(registry);
	}

	private static Counter permits(MeterRegistry registry, String limiterName, String result, String description) {
		return Counter.builder(PERMITS)
				.description(description)
				.baseUnit("permits")
				.tag("limiter", limiterName)
				.tag("result", result)
				.register(registry);
	}

	@Override
	public void granted(int permits) {
		granted.increment(permits);
	}

	@Override
	public void denied(int permits) {
		denied.increment(permits);
	}

	@Override
	public void waited(long nanos) {
		wait.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void returned(double tokens) {
		returned.increment(tokens);
	}
}
