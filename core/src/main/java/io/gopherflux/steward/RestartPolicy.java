package io.gopherflux.steward;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how often a {@link Steward} restarts its ward, whatever ended it (a missed
 * heartbeat, an error, or completion): immutable, validated on construction.
 * <p>
 * The n-th restart within {@code window} waits {@code firstBackoff * 2^(n-1)}, at most
 * {@code maxBackoff}, spread by {@code jitter} (0 to 1, a fraction of that delay either way),
 * never below {@code firstBackoff}. More than {@code maxRestarts} restarts within
 * {@code window} and the steward fails with a {@link StewardGaveUpException}. A ward that
 * completes is restarted only if {@code restartOnCompletion}; otherwise the steward completes
 * too (Erlang's "transient" child).
 *
 * @param firstBackoff        the delay before the first restart in a window; zero or more
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

	/** Validates every argument, naming it when it is wrong. */
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

	/** Restart at once, without limit, also after completion: the book's steward. */
	public static RestartPolicy immediate() {
		return new RestartPolicy(Duration.ZERO, Duration.ZERO, 0, UNLIMITED, DEFAULT_WINDOW, true);
	}

	/**
	 * Exponential backoff from {@code firstBackoff} to {@code maxBackoff} with a jitter of 0.5,
	 * without limit, restarting after completion too.
	 *
	 * @param firstBackoff the delay before the first restart; positive
	 * @param maxBackoff   the longest delay; at least {@code firstBackoff}
	 */
	public static RestartPolicy backoff(Duration firstBackoff, Duration maxBackoff) {
		Objects.requireNonNull(firstBackoff, "firstBackoff");
		if (firstBackoff.isNegative() || firstBackoff.isZero()) {
			throw new IllegalArgumentException("firstBackoff must be positive, was " + firstBackoff);
		}
		return new RestartPolicy(firstBackoff, maxBackoff, 0.5, UNLIMITED, DEFAULT_WINDOW, true);
	}

	/** This policy with another jitter, from 0 to 1. */
	public RestartPolicy withJitter(double jitter) {
		return new RestartPolicy(firstBackoff, maxBackoff, jitter, maxRestarts, window, restartOnCompletion);
	}

	/** This policy, failing after more than {@code maxRestarts} restarts within {@code window}. */
	public RestartPolicy withLimit(int maxRestarts, Duration window) {
		return new RestartPolicy(firstBackoff, maxBackoff, jitter, maxRestarts, window, restartOnCompletion);
	}

	/** This policy, restarting a completed ward or not. */
	public RestartPolicy withRestartOnCompletion(boolean restartOnCompletion) {
		return new RestartPolicy(firstBackoff, maxBackoff, jitter, maxRestarts, window, restartOnCompletion);
	}

	/**
	 * The delay before a restart.
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
		long first = firstBackoff.toNanos();
		long max = maxBackoff.toNanos();
		int shift = Math.min(restartsInWindow - 1, 62);
		long base = first > (max >> shift) ? max : first << shift;
		long spread = (long) (base * jitter * (2 * random - 1));
		long delay = Math.max(first, Math.min(max, base + spread));
		return Duration.ofNanos(delay);
	}
}
