package io.gopherflux.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;

import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * SIGTERM as a request to stop: a graceful shutdown, then exit status 0. Left to the JVM, SIGTERM
 * runs the shutdown hooks and then exits with status 143 (128 + 15), which a supervisor
 * (systemd, Kubernetes) reports as a failure even after a clean drain. The JDK offers no other
 * way to handle a signal than {@code sun.misc.Signal}, kept for this use in {@code jdk.unsupported};
 * it is reached reflectively so that compiling (and documenting) the server against the Java 17
 * API does not warn of a proprietary API.
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
			Class<?> signalType = Class.forName("sun.misc.Signal");
			Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
			Object term = signalType.getConstructor(String.class).newInstance("TERM");
			Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
					(proxy, method, args) -> onSignal(proxy, method, args, shutdown));
			signalType.getMethod("handle", signalType, handlerType).invoke(null, term, handler);
		}
		catch (InvocationTargetException e) {
			LOG.warn("SIGTERM cannot be handled here ({}); the JVM's shutdown hook drains instead", e.getCause().toString());
		}
		catch (ReflectiveOperationException | RuntimeException e) {
			LOG.warn("SIGTERM cannot be handled here ({}); the JVM's shutdown hook drains instead", e.toString());
		}
	}

	private static Object onSignal(Object proxy, Method method, Object[] args, Runnable shutdown) {
		switch (method.getName()) {
			case "handle" -> {
				LOG.info("SIGTERM: shutting down");
				shutdown.run();
				System.exit(0);
				return null;
			}
			case "equals" -> {
				return proxy == args[0];
			}
			case "hashCode" -> {
				return System.identityHashCode(proxy);
			}
			default -> {
				return "gopherflux SIGTERM handler";
			}
		}
	}
}
