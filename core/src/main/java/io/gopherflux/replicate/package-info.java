/**
 * Replicated and hedged requests (chapter 5, "Replicated Requests"): {@link
 * io.gopherflux.replicate.Replicator} races replicas of a request on Reactor's
 * {@code Mono.firstWithValue}, adds hedge delays (fixed or from an observed latency percentile),
 * per-replica accounting for {@link io.gopherflux.replicate.ReplicateMetrics}, and one
 * {@link io.gopherflux.replicate.AllReplicasFailedException} when no replica answers.
 */
package io.gopherflux.replicate;
