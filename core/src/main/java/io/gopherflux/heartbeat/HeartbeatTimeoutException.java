package io.gopherflux.heartbeat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.gopherflux.errors.GopherfluxException;

/**
 * A heartbeat went silent: the watched stream sent no beat within the timeout while its consumer
 * was waiting for one. Context: {@code name} (the watched stream's name, when the watchdog was
 * given one; a steward gives its ward's name) and {@code timeout}. Retryable.
 */
public final class HeartbeatTimeoutException extends GopherfluxException {

	private static final long serialVersionUID = 1L;

	/** The silent stream's name, or {@code null}. */
	private final String name;
	/** How long it was silent. */
	private final Duration timeout;

	/**
	 * The stream called {@code name} was silent for {@code timeout}.
	 *
	 * @param name    the name of the silent stream, or {@code null} when it has none
	 * @param timeout how long it was silent
	 */
	public HeartbeatTimeoutException(String name, Duration timeout) {
		super(message(name, Objects.requireNonNull(timeout, "timeout")),
				"A background task stopped responding; retrying may help.", true, context(name, timeout), null);
		this.name = name;
		this.timeout = timeout;
	}

	/**
	 * An unnamed stream was silent for {@code timeout}.
	 *
	 * @param timeout how long it was silent
	 */
	public HeartbeatTimeoutException(Duration timeout) {
		this(null, timeout);
	}

	/**
	 * The name of the silent stream.
	 *
	 * @return the name the watchdog was given, or empty when it was given none
	 */
	public Optional<String> name() {
		return Optional.ofNullable(name);
	}

	/**
	 * How long the stream was silent.
	 *
	 * @return the watchdog's timeout
	 */
	public Duration timeout() {
		return timeout;
	}

	private static String message(String name, Duration timeout) {
		return name == null
				? "no heartbeat within " + timeout
				: "no heartbeat from '" + name + "' within " + timeout;
	}

	private static Map<String, Object> context(String name, Duration timeout) {
		Map<String, Object> context = new LinkedHashMap<>();
		if (name != null) {
			context.put("name", name);
		}
		context.put("timeout", timeout);
		return context;
	}
}
