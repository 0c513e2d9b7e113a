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

	public ReplicateConfig {
		if (replicas < 1) {
			throw new IllegalArgumentException("replicas must be at least 1, was " + replicas);
		}
		Objects.requireNonNull(hedgeDelay, "hedgeDelay");
		Objects.requireNonNull(clock, "clock");
		Objects.requireNonNull(metrics, "metrics");
	}

	/** {@code replicas} replicas all started at once, on {@link Schedulers#parallel()}, no metrics. */
	public static ReplicateConfig of(int replicas) {
		return new ReplicateConfig(replicas, HedgeDelay.none(), Schedulers.parallel(), ReplicateMetrics.NOOP);
	}

	/** This config with another hedge delay. */
	public ReplicateConfig withHedgeDelay(HedgeDelay hedgeDelay) {
		return new ReplicateConfig(replicas, hedgeDelay, clock, metrics);
	}

	/** This config with another clock. */
	public ReplicateConfig withClock(Scheduler clock) {
		return new ReplicateConfig(replicas, hedgeDelay, clock, metrics);
	}

	/** This config with another metrics port. */
	public ReplicateConfig withMetrics(ReplicateMetrics metrics) {
		return new ReplicateConfig(replicas, hedgeDelay, clock, metrics);
	}
}
