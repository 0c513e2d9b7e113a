package io.gopherflux.server.internal.endpoints;

import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

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

	private final Sinks.Empty<Void> ending = Sinks.empty();

	/** {@code items} until the shutdown, then {@link #SHUTDOWN}; {@code items} as they are if they end first. */
	Flux<Object> endable(Flux<Object> items) {
		return Flux.defer(() -> {
			AtomicBoolean cut = new AtomicBoolean();
			return items.takeUntilOther(ending.asMono().doOnTerminate(() -> cut.set(true)))
					.concatWith(Mono.fromSupplier(() -> cut.get() ? SHUTDOWN : null));
		});
	}

	/** Ends every open stream, and every stream started from now on, with a {@code shutdown} event. */
	public void end() {
		ending.tryEmitEmpty();
	}
}
