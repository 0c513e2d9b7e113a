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
 * @param warnOnRestart whether a restart after a missed heartbeat or an error, and giving up, are
 *                      logged at warn level (the default); if not, at debug level, for stewards
 *                      that others start at will (one per request of a server, say), whose
 *                      restarts the metrics count without letting them set the volume of the log
 */
public record StewardConfig(String name, Duration timeout, RestartPolicy restartPolicy, Scheduler scheduler,
		StewardMetrics metrics, boolean warnOnRestart) {

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

	/** A configuration that logs restarts at warn level. */
	public StewardConfig(String name, Duration timeout, RestartPolicy restartPolicy, Scheduler scheduler,
			StewardMetrics metrics) {
		this(name, timeout, restartPolicy, scheduler, metrics, true);
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
		return new StewardConfig(name, timeout, restartPolicy, scheduler, metrics, warnOnRestart);
	}

	/** This configuration with another scheduler. */
	public StewardConfig withScheduler(Scheduler scheduler) {
		return new StewardConfig(name, timeout, restartPolicy, scheduler, metrics, warnOnRestart);
	}

	/** This configuration reporting to {@code metrics}. */
	public StewardConfig withMetrics(StewardMetrics metrics) {
		return new StewardConfig(name, timeout, restartPolicy, scheduler, metrics, warnOnRestart);
	}

	/** This configuration logging restarts and giving up at warn level ({@code true}) or debug level. */
	public StewardConfig withWarnOnRestart(boolean warnOnRestart) {
		return new StewardConfig(name, timeout, restartPolicy, scheduler, metrics, warnOnRestart);
	}

	/** The interval the ward is asked to pulse at: half the timeout. */
	public Duration wardPulseInterval() {
		return timeout.dividedBy(2);
	}
}
