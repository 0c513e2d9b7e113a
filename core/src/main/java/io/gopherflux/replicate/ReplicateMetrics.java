package io.gopherflux.replicate;

import java.time.Duration;

/**
 * Where a {@link Replicator} reports what happened to each request; every method is called on the
 * thread of the signal it reports and must not block. The default methods do nothing; see
 * {@link MicrometerReplicateMetrics} for the Micrometer binding.
 */
public interface ReplicateMetrics {

	/** Reports nothing. */
	ReplicateMetrics NOOP = new ReplicateMetrics() {
	};

	/** Replica {@code replica} was started (subscribed). */
	default void replicaStarted(int replica) {
	}

	/**
	 * Replica {@code replica} answered first.
	 *
	 * @param latency from the request's subscription to the answer
	 */
	default void won(int replica, Duration latency) {
	}

	/**
	 * A started replica was cancelled before it answered: a loser, or any replica when the caller
	 * cancelled the request.
	 */
	default void replicaCancelled(int replica) {
	}

	/** Every one of {@code replicas} replicas failed or completed without a value. */
	default void allFailed(int replicas) {
	}
}
