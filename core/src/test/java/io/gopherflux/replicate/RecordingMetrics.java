package io.gopherflux.replicate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every report, as text, in order. */
final class RecordingMetrics implements ReplicateMetrics {

	final List<String> events = new CopyOnWriteArrayList<>();

	@Override
	public void replicaStarted(int replica) {
		events.add("started " + replica);
	}

	@Override
	public void won(int replica, Duration latency) {
		events.add("won " + replica + " after " + latency);
	}

	@Override
	public void replicaCancelled(int replica) {
		events.add("cancelled " + replica);
	}

	@Override
	public void allFailed(int replicas) {
		events.add("all " + replicas + " failed");
	}
}
