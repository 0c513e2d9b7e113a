package io.gopherflux.replicate;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@link ReplicateMetrics} on Micrometer, all meters tagged {@code name}:
 * <ul>
 * <li>{@code gopherflux.replicate.replicas.started}: replicas started;</li>
 * <li>{@code gopherflux.replicate.wins}: requests answered, tagged {@code replica} with the index of
 * the winner (cardinality bounded by the replica cap);</li>
 * <li>{@code gopherflux.replicate.winner.latency}: time from request to the winning answer;</li>
 * <li>{@code gopherflux.replicate.replicas.cancelled}: started replicas cancelled before they
 * answered;</li>
 * <li>{@code gopherflux.replicate.failures}: requests on which every replica failed.</li>
 * </ul>
 * The only class of the package that uses Micrometer, an optional dependency.
 */
public final class MicrometerReplicateMetrics implements ReplicateMetrics {

	private final MeterRegistry registry;
	private final String name;
	private final Counter started;
	private final Timer latency;
	private final Counter cancelled;
	private final Counter failures;
	private final ConcurrentMap<Integer, Counter> wins = new ConcurrentHashMap<>();

	/**
	 * @param registry where the meters are registered
	 * @param name     the value of the {@code name} tag, e.g. the replicated service
	 */
	public MicrometerReplicateMetrics(MeterRegistry registry, String name) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.name = Objects.requireNonNull(name, "name");
		this.started = Counter.builder("gopherflux.replicate.replicas.started").tag("name", name)
				.description("Replicas started").register(registry);
		this.latency = Timer.builder("gopherflux.replicate.winner.latency").tag("name", name)
				.description("Time from a replicated request to its first answer").register(registry);
		this.cancelled = Counter.builder("gopherflux.replicate.replicas.cancelled").tag("name", name)
				.description("Started replicas cancelled before they answered").register(registry);
		this.failures = Counter.builder("gopherflux.replicate.failures").tag("name", name)
				.description("Replicated requests on which every replica failed").register(registry);
	}

	@Override
	public void replicaStarted(int replica) {
		started.increment();
	}

	@Override
	public void won(int replica, Duration latency) {
		wins.computeIfAbsent(replica, i -> Counter.builder("gopherflux.replicate.wins").tag("name", name)
				.tag("replica", Integer.toString(i)).description("Replicated requests answered, by winning replica")
				.register(registry)).increment();
		this.latency.record(latency);
	}

	@Override
	public void replicaCancelled(int replica) {
		cancelled.increment();
	}

	@Override
	public void allFailed(int replicas) {
		failures.increment();
	}
}
