package io.gopherflux.replicate;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The most recent latencies, in a fixed ring, and a nearest-rank percentile over them. Bounded
 * memory; guarded by its monitor, as it is touched once per request.
 */
final class LatencyWindow {

	private final long[] nanos;
	private final int minSamples;
	private int size;
	private int next;

	LatencyWindow(int window, int minSamples) {
		this.nanos = new long[window];
		this.minSamples = minSamples;
	}

	synchronized void record(long latencyNanos) {
		nanos[next] = latencyNanos;
		next = (next + 1) % nanos.length;
		if (size < nanos.length) {
			size++;
		}
	}

	/** The nearest-rank percentile, or empty while fewer than {@code minSamples} are known. */
	synchronized Optional<Duration> percentile(double percentile) {
		if (size < minSamples) {
			return Optional.empty();
		}
		long[] sorted = Arrays.copyOf(nanos, size);
		Arrays.sort(sorted);
		int rank = (int) Math.ceil(percentile / 100.0 * size);
		return Optional.of(Duration.ofNanos(sorted[Math.max(rank, 1) - 1]));
	}
}
