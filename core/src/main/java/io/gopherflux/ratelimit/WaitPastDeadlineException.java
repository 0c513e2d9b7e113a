package io.gopherflux.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Permits were not granted in time, so the request fails at once instead of waiting in vain;
 * nothing was taken from the limiter, and retrying later may succeed. The time was bounded by the
 * caller's maximum wait ({@link #pastMaxWait}), by the deadline in the Reactor {@code Context}
 * ({@link #pastDeadline}), or the deadline had passed before the limiter was asked
 * ({@link #deadlinePassed}); {@link #bound()} says which, and the message says it in words.
 */
public final class WaitPastDeadlineException extends RateLimitException {

	private static final long serialVersionUID = 1L;

	private static final String USER_MESSAGE = "The service is busy and could not take this request in time; please retry later.";

	/** What bounded the wait. */
	public enum Bound {
		/** The maximum wait the caller passed to {@code acquire}. */
		MAX_WAIT,
		/** The deadline in the subscriber's {@code Context}. */
		DEADLINE
	}

	/** What bounded the wait. */
	private final Bound bound;

	private WaitPastDeadlineException(String message, Bound bound, Map<String, ?> context) {
		super(message, USER_MESSAGE, true, context);
		this.bound = bound;
	}

	/**
	 * The wait would have been longer than the maximum the caller allowed.
	 *
	 * @param limiter      the limiter's name
	 * @param permits      the permits asked for
	 * @param waitNanos    the wait they would have needed
	 * @param maxWaitNanos the maximum wait
	 * @return the exception
	 */
	public static WaitPastDeadlineException pastMaxWait(String limiter, int permits, long waitNanos, long maxWaitNanos) {
		Objects.requireNonNull(limiter, "limiter");
		return new WaitPastDeadlineException("rate limiter '" + limiter + "' would make " + permits + " permit(s) wait "
				+ Duration.ofNanos(waitNanos) + ", longer than the maxWait of " + Duration.ofNanos(maxWaitNanos),
				Bound.MAX_WAIT, context(limiter, permits, waitNanos, maxWaitNanos));
	}

	/**
	 * The wait would have ended after the deadline in the {@code Context}.
	 *
	 * @param limiter   the limiter's name
	 * @param permits   the permits asked for
	 * @param waitNanos the wait they would have needed
	 * @param leftNanos the time that was left before the deadline
	 * @return the exception
	 */
	public static WaitPastDeadlineException pastDeadline(String limiter, int permits, long waitNanos, long leftNanos) {
		Objects.requireNonNull(limiter, "limiter");
		return new WaitPastDeadlineException("rate limiter '" + limiter + "' would make " + permits + " permit(s) wait "
				+ Duration.ofNanos(waitNanos) + ", longer than the " + Duration.ofNanos(leftNanos) + " left before the deadline",
				Bound.DEADLINE, context(limiter, permits, waitNanos, leftNanos));
	}

	/**
	 * The deadline in the {@code Context} had already passed when the permits were asked for, as Go's
	 * {@code WaitN} fails on a context that is done; the limiter was not asked.
	 *
	 * @param limiter  the limiter's name
	 * @param permits  the permits asked for
	 * @param deadline the deadline
	 * @param now      the instant the permits were asked for, on the limiter's scheduler
	 * @return the exception
	 */
	public static WaitPastDeadlineException deadlinePassed(String limiter, int permits, Instant deadline, Instant now) {
		Objects.requireNonNull(limiter, "limiter");
		Objects.requireNonNull(deadline, "deadline");
		Objects.requireNonNull(now, "now");
		Map<String, Object> context = context(limiter, permits, 0, 0);
		context.put("deadline", deadline);
		context.put("now", now);
		return new WaitPastDeadlineException("rate limiter '" + limiter + "' was asked for " + permits + " permit(s) at "
				+ now + ", when the deadline " + deadline + " had passed", Bound.DEADLINE, context);
	}

	private static Map<String, Object> context(String limiter, int permits, long waitNanos, long allowedNanos) {
		Map<String, Object> context = new LinkedHashMap<>();
		context.put("limiter", limiter);
		context.put("permits", permits);
		context.put("waitNanos", waitNanos);
		context.put("allowedNanos", allowedNanos);
		return context;
	}

	/**
	 * What bounded the wait: the caller's maximum or the deadline.
	 *
	 * @return the bound
	 */
	public Bound bound() {
		return bound;
	}
}
