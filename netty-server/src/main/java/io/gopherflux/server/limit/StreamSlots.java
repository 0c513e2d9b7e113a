package io.gopherflux.server.limit;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts each client's open streams against its plan's cap. A client's entry exists only while it
 * has a stream open, so the table is as large as the number of streaming clients.
 */
public final class StreamSlots {

	private final Map<String, Integer> open = new ConcurrentHashMap<>();
	private final AtomicInteger total = new AtomicInteger();

	/** Takes a slot for {@code client} if it has fewer than {@code max} streams open. */
	public boolean tryAcquire(String client, int max) {
		Objects.requireNonNull(client, "client");
		boolean[] taken = new boolean[1];
		open.compute(client, (k, count) -> {
			int n = count == null ? 0 : count;
			if (n >= max) {
				return count;
			}
			taken[0] = true;
			return n + 1;
		});
		if (taken[0]) {
			total.incrementAndGet();
		}
		return taken[0];
	}

	/** Gives back a slot taken by {@link #tryAcquire}. */
	public void release(String client) {
		boolean[] released = new boolean[1];
		open.computeIfPresent(client, (k, count) -> {
			released[0] = true;
			return count <= 1 ? null : count - 1;
		});
		if (released[0]) {
			total.decrementAndGet();
		}
	}

	/** The streams open now, of every client. */
	public int active() {
		return total.get();
	}

	/** The streams {@code client} has open now. */
	public int active(String client) {
		Integer count = open.get(client);
		return count == null ? 0 : count;
	}
}
