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

	/**
	 * Replica {@code replica} was started (subscribed).
	 *
	 * @param replica the replica's index
	 */
	default void replicaStarted(int replica) {
	}

	/**
	 * Replica {@code replica} answered first.
	 *
	 * @param replica the replica's index
	 * @param latency from the request's subscription to the answer
	 */
	default void won(int replica, Duration latency) {
	}

	/**
	 * A started replica was cancelled before it answered: a loser, or any replica when the caller
	 * cancelled the request.
	 *
	 * @param replica the replica's index
	 */
	default void replicaCancelled(int replica) {
	}

	/**
	 * Every one of {@code replicas} replicas failed or completed without a value.
	 *
	 * @param replicas how many replicas there were
	 */
	default void allFailed(int replicas) {
	}
}
