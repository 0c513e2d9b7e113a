package io.gopherflux.replicate;

import java.util.Objects;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How a {@link Replicator} replicates a request.
 *
 * @param replicas   how many replicas at most, at least 1; with hedging, the cap on replicas started
 * @param hedgeDelay when each replica starts
 * @param clock      the scheduler whose clock and timers time the hedges and latencies
 * @param metrics    where outcomes are reported
 */
public record ReplicateConfig(int replicas, HedgeDelay hedgeDelay, Scheduler clock, ReplicateMetrics metrics) {

	/**
	 * Validates every argument, naming it when it is wrong.
	 *
	 * @param replicas   how many replicas at most, at least 1
	 * @param hedgeDelay when each replica starts
	 * @param clock      the scheduler whose clock and timers time the hedges and latencies
	 * @param metrics    where outcomes are reported
	 */
	public ReplicateConfig {
		if (replicas < 1) {
			throw new IllegalArgumentException("replicas must be at least 1, was " + replicas);
		}
		Objects.requireNonNull(hedgeDelay, "hedgeDelay");
		Objects.requireNonNull(clock, "clock");
		Objects.requireNonNull(metrics, "metrics");
	}

	/**
	 * {@code replicas} replicas all started at once, on {@link Schedulers#parallel()}, no metrics.
	 *
	 * @param replicas how many replicas, at least 1
	 * @return the configuration
	 */
	public static ReplicateConfig of(int replicas) {
		return new ReplicateConfig(replicas, HedgeDelay.none(), Schedulers.parallel(), ReplicateMetrics.NOOP);
	}

	/**
	 * This config with another hedge delay.
	 *
	 * @param hedgeDelay when each replica starts
	 * @return the new configuration
	 */
	public ReplicateConfig withHedgeDelay(HedgeDelay hedgeDelay) {
		return new ReplicateConfig(replicas, hedgeDelay, clock, metrics);
	}

	/**
	 * This config with another clock.
	 *
	 * @param clock the scheduler whose clock and timers time the hedges and latencies
	 * @return the new configuration
	 */
	public ReplicateConfig withClock(Scheduler clock) {
		return new ReplicateConfig(replicas, hedgeDelay, clock, metrics);
	}

	/**
	 * This config with another metrics port.
	 *
	 * @param metrics where outcomes are reported
	 * @return the new configuration
	 */
	public ReplicateConfig withMetrics(ReplicateMetrics metrics) {
		return new ReplicateConfig(replicas, hedgeDelay, clock, metrics);
	}
}
