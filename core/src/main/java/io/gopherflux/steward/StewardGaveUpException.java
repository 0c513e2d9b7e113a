package io.gopherflux.steward;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.gopherflux.errors.GopherfluxException;

/**
 * A steward stopped restarting its ward: the ward needed more restarts within the policy's
 * window than the policy allows. Context: {@code ward}, {@code restarts} (how many were made
 * within the window), {@code window} and {@code lastReason}; the cause is the ward's last
 * failure, if it failed.
 */
public final class StewardGaveUpException extends GopherfluxException {

	private static final long serialVersionUID = 1L;

	/** The ward's name. */
	private final String ward;
	/** The restarts made within the window. */
	private final int restarts;
	/** The policy's window. */
	private final Duration window;
	/** How the last ward ended. */
	private final RestartReason lastReason;

	StewardGaveUpException(String ward, int restarts, Duration window, RestartReason lastReason, Throwable cause) {
		super("steward gave up on ward '" + ward + "' after " + restarts + " restarts within " + window
						+ "; last ended by " + lastReason,
				"A background task keeps failing; retrying later may help.", true,
				context(ward, restarts, window, lastReason), cause);
		this.ward = ward;
		this.restarts = restarts;
		this.window = window;
		this.lastReason = lastReason;
	}

	/** {@return the name of the ward} */
	public String ward() {
		return ward;
	}

	/** {@return how many restarts were made within the window before giving up} */
	public int restarts() {
		return restarts;
	}

	/** {@return the policy's window} */
	public Duration window() {
		return window;
	}

	/** {@return how the last ward ended} */
	public RestartReason lastReason() {
		return lastReason;
	}

	private static Map<String, Object> context(String ward, int restarts, Duration window, RestartReason lastReason) {
		Map<String, Object> context = new LinkedHashMap<>();
		context.put("ward", ward);
		context.put("restarts", restarts);
		context.put("window", window);
		context.put("lastReason", lastReason);
		return context;
	}
}
