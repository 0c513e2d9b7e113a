package io.gopherflux.ratelimit.redis;

import java.time.Duration;

/**
 * The times of the last {@code threshold} failures, to tell when {@code threshold} of them fell
 * within {@code window}: a ring of nanosecond readings, the oldest overwritten. Time is passed in,
 * so that it can be a scheduler's (virtual in tests). Not thread-safe: its owner serializes calls.
 */
final class FailureWindow {

	private final long[] times;
	private final long windowNanos;
	/** Where the next failure is written; also the oldest of the last {@code times.length} once full. */
	private int next;
	private int count;

	FailureWindow(int threshold, Duration window) {
		if (threshold < 1) {
			throw new IllegalArgumentException("threshold must be at least 1, was " + threshold);
		}
		this.times = new long[threshold];
		this.windowNanos = window.toNanos();
	}

	/**
	 * Records a failure at {@code nowNanos}; returns whether it and the {@code threshold - 1}
	 * before it all fell within the window (the first of them at most {@code window} before it).
	 */
	boolean record(long nowNanos) {
		times[next] = nowNanos;
		next = (next + 1) % times.length;
		if (count < times.length) {
			count++;
		}
		// Once full, the slot after the newest holds the oldest of the last `threshold` failures.
		return count == times.length && nowNanos - times[next] <= windowNanos;
	}

	/** Forgets every failure. */
	void clear() {
		count = 0;
		next = 0;
	}
}
