package io.gopherflux.server;

import java.util.Objects;

import reactor.util.Logger;
import reactor.util.Loggers;
import sun.misc.Signal;

/**
 * SIGTERM as a request to stop: a graceful shutdown, then exit status 0. Left to the JVM, SIGTERM
 * runs the shutdown hooks and then exits with status 143 (128 + 15), which a supervisor
 * (systemd, Kubernetes) reports as a failure even after a clean drain. The JDK offers no other
 * way to handle a signal than {@code sun.misc.Signal}, kept for this use in {@code jdk.unsupported}.
 */
final class TerminationSignal {

	private static final Logger LOG = Loggers.getLogger(TerminationSignal.class);

	private TerminationSignal() {
	}

	/**
	 * On SIGTERM, runs {@code shutdown} and exits with status 0. Where the signal cannot be
	 * handled, {@code shutdown} still runs from a shutdown hook (with the JVM's own status).
	 * Ctrl-C (SIGINT) keeps the JVM's behaviour: the hook drains, the status says interrupted.
	 */
	static void onTerminate(Runnable shutdown) {
		Objects.requireNonNull(shutdown, "shutdown");
		Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "gopherflux-shutdown"));
		try {
			Signal.handle(new Signal("TERM"), signal -> {
				LOG.info("SIGTERM: shutting down");
				shutdown.run();
				System.exit(0);
			});
		}
		catch (IllegalArgumentException | UnsupportedOperationException e) {
			LOG.warn("SIGTERM cannot be handled here ({}); the JVM's shutdown hook drains instead", e.toString());
		}
	}
}
