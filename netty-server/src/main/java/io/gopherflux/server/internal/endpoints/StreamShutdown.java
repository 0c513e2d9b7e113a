package io.gopherflux.server.internal.endpoints;

import io.gopherflux.server.internal.http.FluxWriteBatches;

/**
 * The end of every open stream at once, for a shutdown whose drain timeout has passed: each
 * stream stops taking elements, sends a final {@code shutdown} event (so that a client can tell
 * a server going away from a network failure, and reconnect elsewhere) and completes its
 * response. A stream that starts after {@link #end()} (a request on a connection kept alive
 * through the drain) sends only its {@code shutdown} event.
 */
public final class StreamShutdown {

	/** The final event of a stream cut by a shutdown. */
	static final Object SHUTDOWN = new Object() {
		@Override
		public String toString() {
			return "shutdown";
		}
	};

	private final FluxWriteBatches.Cut<Object> cut = new FluxWriteBatches.Cut<>(SHUTDOWN);

	/** What a stream's write batches are given so that {@link #end()} reaches them. */
	FluxWriteBatches.Cut<Object> cut() {
		return cut;
	}

	/** Ends every open stream, and every stream started from now on, with a {@code shutdown} event. */
	public void end() {
		cut.cut();
	}
}
