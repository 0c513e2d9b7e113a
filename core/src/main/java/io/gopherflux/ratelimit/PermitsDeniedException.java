package io.gopherflux.ratelimit;

import java.util.Map;

/**
 * The limiter will never grant these permits however long one waits: its rate is zero and its
 * burst has been used up, or the wait would be longer than {@link RateLimiter#LONGEST_WAIT}.
 */
public final class PermitsDeniedException extends RateLimitException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param limiter the limiter's name
	 * @param permits the permits asked for
	 */
	public PermitsDeniedException(String limiter, int permits) {
		super("rate limiter '" + limiter + "' denies " + permits + " permit(s): no wait would grant them (its rate is zero and"
				+ " its burst is used up, or they are reserved further ahead than it ever grants)",
				"This operation is not allowed any more; retrying will not help.",
				false, Map.of("limiter", limiter, "permits", permits));
	}
}
