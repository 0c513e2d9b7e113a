package io.gopherflux.ratelimit;

import java.util.Map;

/**
 * The limiter will never grant these permits however long one waits: its rate is zero and its
 * burst has been used up.
 */
public final class PermitsDeniedException extends RateLimitException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param limiter the limiter's name
	 * @param permits the permits asked for
	 */
	public PermitsDeniedException(String limiter, int permits) {
		super("rate limiter '" + limiter + "' denies " + permits + " permit(s): its rate is zero and its burst is used up",
				"This operation is not allowed any more; retrying will not help.",
				false, Map.of("limiter", limiter, "permits", permits));
	}
}
