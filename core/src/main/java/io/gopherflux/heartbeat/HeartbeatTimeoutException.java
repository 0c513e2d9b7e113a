package io.gopherflux.heartbeat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.gopherflux.errors.GopherfluxException;

/**
 * A heartbeat went silent: the watched stream sent no beat within the timeout while its consumer
 * was waiting for one. Context: {@code ward} (the watched stream's name) and {@code timeout}.
 */
public final class HeartbeatTimeoutException extends GopherfluxException {

	private static final long serialVersionUID = 1L;

	private final String ward;
	private final Duration timeout;

	/**
	 * @param ward    the name of the silent stream
	 * @param timeout how long it was silent
	 */
	public HeartbeatTimeoutException(String ward, Duration timeout) {
		super("no heartbeat from ward '" + Objects.requireNonNull(ward, "ward") + "' within "
						+ Objects.requireNonNull(timeout, "timeout"),
				"A background task stopped responding; retrying may help.", true, context(ward, timeout), null);
		this.ward = ward;
		this.timeout = timeout;
	}

	/** The name of the silent stream. */
	public String ward() {
		return ward;
	}

	/** How long it was silent. */
	public Duration timeout() {
		return timeout;
	}

	private static Map<String, Object> context(String ward, Duration timeout) {
		Map<String, Object> context = new LinkedHashMap<>();
		context.put("ward", ward);
		context.put("timeout", timeout);
		return context;
	}
}
