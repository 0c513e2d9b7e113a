package io.gopherflux.steward;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how often a {@link Steward} restarts its ward, whatever ended it (a missed
 * heartbeat, an error, or completion): immutable, validated on construction.
 * <p>
 * The n-th restart within {@code window} comes no sooner than {@code firstBackoff * 2^(n-1)}
 * (at most {@code maxBackoff}, spread by {@code jitter}: 0 to 1, a fraction of that delay
 * either way, never below {@code firstBackoff}) <em>after the start of the ward it
 * replaces</em>. The delay is a least spacing between starts: a ward that fails at once waits
 * the whole delay, a ward that ran longer than the delay is restarted at once. Either way the
 * restart is scheduled on the steward's scheduler, never run inside the old ward's terminal
 * signal. More than {@code maxRestarts} restarts within {@code window} and the steward fails
 * with a {@link StewardGaveUpException}. A ward that completes is restarted only if
 * {@code restartOnCompletion}; otherwise the steward completes too (Erlang's "transient" child).
 *
 * @param firstBackoff        the least time between the first start and the first restart in a
 *                            window; zero or more
 * @param maxBackoff          the longest delay; at least {@code firstBackoff}
 * @param jitter              the spread of each delay, from 0 to 1
 * @param maxRestarts         the most restarts allowed within {@code window}; zero or more
 * @param window              the sliding window over which restarts are counted; positive
 * @param restartOnCompletion whether a ward that completes is restarted
 */
public record RestartPolicy(Duration firstBackoff, Duration maxBackoff, double jitter, int maxRestarts,
		Duration window, boolean restartOnCompletion) {

	/** No limit on the number of restarts. */
	public static final int UNLIMITED = Integer.MAX_VALUE;

	private static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
	private static final long DEFAULT_WINDOW_TIMEOUTS = 10;

	/**
	 * Validates every argument, naming it when it is wrong.
	 *
	 * @param firstBackoff        zero or more
	 * @param maxBackoff          at least {@code firstBackoff}
	 * @param jitter              from 0 to 1
	 * @param maxRestarts         zero or more
	 * @param window              positive
	 * @param restartOnCompletion whether a ward that completes is restarted
	 */
	public RestartPolicy {
		Objects.requireNonNull(firstBackoff, "firstBackoff");
		Objects.requireNonNull(maxBackoff, "maxBackoff");
		Objects.requireNonNull(window, "window");
		if (firstBackoff.isNegative()) {
			throw new IllegalArgumentException("firstBackoff must not be negative, was " + firstBackoff);
		}
		if (maxBackoff.compareTo(firstBackoff) < 0) {
			throw new IllegalArgumentException("maxBackoff must be at least firstBackoff (" + firstBackoff + "), was " + maxBackoff);
		}
		if (!(jitter >= 0 && jitter <= 1)) {
			throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
		}
		if (maxRestarts < 0) {
			throw new IllegalArgumentException("maxRestarts must not be negative, was " + maxRestarts);
		}
		if (window.isNegative() || window.isZero()) {
			throw new IllegalArgumentException("window must be positive, was " + window);
		}
	}

	/**
	 * The default of {@link StewardConfig#of(String, Duration)}: restarts paced by the ward's
	 * timeout.
	 * <p>
	 * Exponential backoff from a tenth of {@code timeout} up to {@code timeout}, jitter 0.5,
	 * restarts counted over ten timeouts, no limit, restarting after completion too. A ward that
	 * misses its heartbeat has run a whole timeout, so it is restarted at once, at the book's
	 * pace of one restart per timeout. A ward that fails or completes at once is restarted after
	 * 0.1, 0.2, 0.4, 0.8, then 1 timeout (each spread by half either way, never below a tenth or
	 * above one timeout): at most two starts per timeout once at the cap, at most {@code 2N + 4}
	 * starts in {@code N} timeouts, and never fewer than one restart per timeout.
	 *
	 * @param timeout the steward's timeout; positive
	 * @return the policy
	 */
	public static RestartPolicy defaults(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive, was " + timeout);
		}
		Duration first = timeout.dividedBy(10);
		if (first.isZero()) {
			first = Duration.ofNanos(1);
		}
		Duration window = timeout.compareTo(Duration.ofSeconds(Long.MAX_VALUE / DEFAULT_WINDOW_TIMEOUTS)) < 0
				? timeout.multipliedBy(DEFAULT_WINDOW_TIMEOUTS)
				: timeout;
		return new RestartPolicy(first, timeout, 0.5, UNLIMITED, window, true);
	}

	/**
	 * Restart at once, without limit, also after completion: the book's steward.
	 * <p>
	 * Dangerous for a ward that can fail or complete as soon as it starts: it is restarted as
	 * fast as the scheduler runs tasks (hundreds of thousands of times a second), keeping one of
	 * the scheduler's threads busy until the steward is cancelled. The restart is still scheduled
	 * on the steward's scheduler, so subscribing returns and cancelling stops it; use this only
	 * for wards that cannot end at once, or with {@link #withLimit(int, Duration)}.
	 *
	 * @return the policy
	 */
	public static RestartPolicy immediate() {
		return new RestartPolicy(Duration.ZERO, Duration.ZERO, 0, UNLIMITED, DEFAULT_WINDOW, true);
	}

	/**
	 * Exponential backoff from {@code firstBackoff} to {@code maxBackoff} with a jitter of 0.5,
	 * counted over a window of one minute, without limit, restarting after completion too.
	 *
	 * @param firstBackoff the least time between the first start and the first restart; positive
	 * @param maxBackoff   the longest delay; at least {@code firstBackoff}
	 * @return the policy
	 */
	public static RestartPolicy backoff(Duration firstBackoff, Duration maxBackoff) {
		Objects.requireNonNull(firstBackoff, "firstBackoff");
		if (firstBackoff.isNegative() || firstBackoff.isZero()) {
			throw new IllegalArgumentException("firstBackoff must be positive, was " + firstBackoff);
		}
		return new RestartPolicy(firstBackoff, maxBackoff, 0.5, UNLIMITED, DEFAULT_WINDOW, true);
	}

	/**
	 * This policy with another jitter.
	 *
	 * @param jitter the spread of each delay, from 0 to 1
	 * @return the new policy
	 */
	public RestartPolicy withJitter(double jitter) {
		return new RestartPolicy(firstBackoff, maxBackoff, jitter, maxRestarts, window, restartOnCompletion);
	}

	/**
	 * This policy, failing after more than {@code maxRestarts} restarts within {@code window}.
	 *
	 * @param maxRestarts the most restarts allowed within {@code window}; zero or more
	 * @param window      the sliding window over which restarts are counted; positive
	 * @return the new policy
	 */
	public RestartPolicy withLimit(int maxRestarts, Duration window) {
		return new RestartPolicy(firstBackoff, maxBackoff, jitter, maxRestarts, window, restartOnCompletion);
	}

	/**
	 * This policy, restarting a completed ward or not.
	 *
	 * @param restartOnCompletion whether a ward that completes is restarted
	 * @return the new policy
	 */
	public RestartPolicy withRestartOnCompletion(boolean restartOnCompletion) {
		return new RestartPolicy(firstBackoff, maxBackoff, jitter, maxRestarts, window, restartOnCompletion);
	}

	/**
	 * The least time between the start of the ward being replaced and its restart.
	 *
	 * @param restartsInWindow how many restarts there were within the window, this one included; at least 1
	 * @param random           a uniform random number in [0, 1) that places the jitter
	 * @return the delay, between {@code firstBackoff} and {@code maxBackoff}
	 */
	public Duration backoff(int restartsInWindow, double random) {
		if (restartsInWindow < 1) {
			throw new IllegalArgumentException("restartsInWindow must be at least 1, was " + restartsInWindow);
		}
		if (firstBackoff.isZero()) {
			return Duration.ZERO;
		}
		long first = saturatedNanos(firstBackoff);
		long max = saturatedNanos(maxBackoff);
		int shift = Math.min(restartsInWindow - 1, 62);
		long base = first > (max >> shift) ? max : first << shift;
		// In double, so that a delay near the longest a Duration holds cannot overflow.
		double spread = base * jitter * (2 * random - 1);
		long delay = (long) Math.max(first, Math.min(max, base + spread));
		return Duration.ofNanos(delay);
	}

	static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException overflow) {
			return Long.MAX_VALUE;
		}
	}
}
