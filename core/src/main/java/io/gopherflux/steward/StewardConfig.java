package io.gopherflux.steward;

import java.time.Duration;
import java.util.Objects;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How a {@link Steward} watches its ward: immutable, validated on construction.
 *
 * @param name          the ward's name, in logs, errors and meter tags
 * @param timeout       how long the ward may stay silent before it is restarted; positive. The
 *                      ward is asked to pulse at half of it, as in the book
 * @param restartPolicy when and how often to restart
 * @param scheduler     the source of time for timeouts, backoff and the steward's own pulses
 * @param metrics       where to report starts, restarts and missed heartbeats
 */
public record StewardConfig(String name, Duration timeout, RestartPolicy restartPolicy, Scheduler scheduler,
		StewardMetrics metrics) {

	/** Validates every argument, naming it when it is wrong. */
	public StewardConfig {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(timeout, "timeout");
		Objects.requireNonNull(restartPolicy, "restartPolicy");
		Objects.requireNonNull(scheduler, "scheduler");
		Objects.requireNonNull(metrics, "metrics");
		if (name.isBlank()) {
			throw new IllegalArgumentException("name must not be blank");
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive, was " + timeout);
		}
	}

	/**
	 * A configuration with immediate, unlimited restarts, {@link Schedulers#parallel()} and no
	 * metrics.
	 */
	public static StewardConfig of(String name, Duration timeout) {
		return new StewardConfig(name, timeout, RestartPolicy.immediate(), Schedulers.parallel(), StewardMetrics.NOOP);
	}

	/** This configuration with another restart policy. */
	public StewardConfig withRestartPolicy(RestartPolicy restartPolicy) {
		return new StewardConfig(name, timeout, restartPolicy, scheduler, metrics);
	}

	/** This configuration with another scheduler. */
	public StewardConfig withScheduler(Scheduler scheduler) {
		return new StewardConfig(name, timeout, restartPolicy, scheduler, metrics);
	}

	/** This configuration reporting to {@code metrics}. */
	public StewardConfig withMetrics(StewardMetrics metrics) {
		return new StewardConfig(name, timeout, restartPolicy, scheduler, metrics);
	}

	/** The interval the ward is asked to pulse at: half the timeout. */
	public Duration wardPulseInterval() {
		return timeout.dividedBy(2);
	}
}
