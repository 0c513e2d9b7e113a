package io.gopherflux.ratelimit;

import java.time.Duration;
import java.util.Map;

/**
 * The wait for permits would end after the deadline (carried in the Reactor {@code Context} or
 * given explicitly), so the request fails at once instead of waiting in vain; nothing was taken
 * from the limiter. Retrying later may succeed.
 */
public final class WaitPastDeadlineException extends RateLimitException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param limiter      the limiter's name
	 * @param permits      the permits asked for
	 * @param waitNanos    the wait they would have needed
	 * @param allowedNanos the longest wait the caller allowed
	 */
	public WaitPastDeadlineException(String limiter, int permits, long waitNanos, long allowedNanos) {
		super("rate limiter '" + limiter + "' would make " + permits + " permit(s) wait "
				+ Duration.ofNanos(waitNanos) + ", longer than the " + Duration.ofNanos(allowedNanos)
				+ " left before the deadline",
				"The service is busy and could not take this request in time; please retry later.",
				true, Map.of("limiter", limiter, "permits", permits, "waitNanos", waitNanos, "allowedNanos", allowedNanos));
	}
}
