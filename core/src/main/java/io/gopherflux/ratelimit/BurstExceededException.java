package io.gopherflux.ratelimit;

import java.util.Map;

/**
 * More permits were asked for at once than the limiter's burst: no wait could ever grant them, so
 * the request fails at once and is not worth retrying as it is.
 */
public final class BurstExceededException extends RateLimitException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param limiter the limiter's name
	 * @param permits the permits asked for at once
	 * @param burst   the limiter's burst
	 */
	public BurstExceededException(String limiter, int permits, int burst) {
		super("rate limiter '" + limiter + "' cannot grant " + permits + " permits at once: its burst is " + burst,
				"This request is larger than the service ever allows at once; retrying will not help.",
				false, Map.of("limiter", limiter, "permits", permits, "burst", burst));
	}
}
