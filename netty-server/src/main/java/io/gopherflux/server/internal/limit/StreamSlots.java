package io.gopherflux.server.internal.limit;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import io.gopherflux.server.limit.LimitMetrics;

/**
 * Counts each client's open streams against its plan's cap. A client's entry exists only while it
 * has a stream open, so the table is as large as the number of streaming clients.
 */
public final class StreamSlots {

	private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
	private final AtomicInteger total = new AtomicInteger();
	private final LimitMetrics metrics;

	/** Slots that report nothing. */
	public StreamSlots() {
		this(LimitMetrics.noop());
	}

	/** @param metrics where refusals ({@link LimitMetrics.Refusal#TOO_MANY_STREAMS}) are counted */
	public StreamSlots(LimitMetrics metrics) {
		this.metrics = Objects.requireNonNull(metrics, "metrics");
	}

	/**
	 * Takes a slot for {@code client} if it has fewer than {@code max} streams open.
	 * <p>
	 * Lock-free while the client has an entry: a CAS on its counter. A counter that {@link #release}
	 * retires is set to -1 by a CAS before it leaves the table, so an acquire either got in before
	 * (and the counter stays) or sees it retired and retries on a fresh one.
	 */
	public boolean tryAcquire(String client, int max) {
		Objects.requireNonNull(client, "client");
		if (max < 1) {
			metrics.refused(LimitMetrics.Refusal.TOO_MANY_STREAMS);
			return false;
		}
		for (;;) {
			AtomicInteger counter = open.computeIfAbsent(client, k -> new AtomicInteger());
			int n = counter.get();
			if (n < 0) {
				Thread.onSpinWait();
				continue;
			}
			if (n >= max) {
				metrics.refused(LimitMetrics.Refusal.TOO_MANY_STREAMS);
				return false;
			}
			if (counter.compareAndSet(n, n + 1)) {
				total.incrementAndGet();
				return true;
			}
		}
	}

	/**
	 * Whether {@code client} has fewer than {@code max} streams open, taking no slot: for a request
	 * that asks what a stream would be without holding one open ({@code HEAD}). A client without
	 * room is counted as refused, as {@link #tryAcquire} counts it.
	 */
	public boolean hasRoom(String client, int max) {
		Objects.requireNonNull(client, "client");
		if (active(client) >= max) {
			metrics.refused(LimitMetrics.Refusal.TOO_MANY_STREAMS);
			return false;
		}
		return true;
	}

	/** Gives back a slot taken by {@link #tryAcquire}. */
	public void release(String client) {
		AtomicInteger counter = open.get(client);
		if (counter == null) {
			return;
		}
		int n;
		do {
			n = counter.get();
			if (n <= 0) {
				return;
			}
		}
		while (!counter.compareAndSet(n, n - 1));
		total.decrementAndGet();
		if (n == 1) {
			// Retired only if still at zero: the CAS to -1 and an acquire's CAS from 0 cannot both win.
			open.computeIfPresent(client, (k, c) -> c.compareAndSet(0, -1) ? null : c);
		}
	}

	/** The streams open now, of every client. */
	public int active() {
		return total.get();
	}

	/** The streams {@code client} has open now. */
	public int active(String client) {
		AtomicInteger count = open.get(client);
		return count == null ? 0 : Math.max(0, count.get());
	}
}
