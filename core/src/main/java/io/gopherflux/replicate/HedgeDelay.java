package io.gopherflux.replicate;

import java.time.Duration;
import java.util.Objects;

/**
 * When the replicas of a request start. Replica {@code i} starts {@code i} delays after the
 * request was subscribed, unless a replica has answered by then; with {@link #none()} all start at
 * once, as in the book.
 */
public sealed interface HedgeDelay permits HedgeDelay.None, HedgeDelay.Fixed, HedgeDelay.Percentile {

	/** {@return every replica starting at once: the book's replicated request} */
	static HedgeDelay none() {
		return None.INSTANCE;
	}

	/**
	 * Replica {@code i} starts {@code i × delay} after the request, unless one answered earlier.
	 *
	 * @param delay the delay between replica starts; zero or more
	 * @return the hedge delay
	 */
	static HedgeDelay fixed(Duration delay) {
		return new Fixed(delay);
	}

	/**
	 * The delay is the {@code percentile} of the latencies of the last 100 winning replicas, once 10
	 * are known, and {@code initial} before that: a hedge is sent only for requests slower than
	 * most.
	 *
	 * @param percentile in (0, 100], nearest-rank
	 * @param initial    the delay until 10 latencies are known
	 * @return the hedge delay
	 */
	static HedgeDelay percentile(double percentile, Duration initial) {
		return new Percentile(percentile, initial, 100, 10);
	}

	/** All replicas at once. */
	enum None implements HedgeDelay {
		/** The only instance. */
		INSTANCE
	}

	/**
	 * A fixed delay between replica starts.
	 *
	 * @param delay zero or more; zero starts all at once
	 */
	record Fixed(Duration delay) implements HedgeDelay {

		/**
		 * Validates the delay.
		 *
		 * @param delay zero or more
		 */
		public Fixed {
			Objects.requireNonNull(delay, "delay");
			if (delay.isNegative()) {
				throw new IllegalArgumentException("delay must not be negative, was " + delay);
			}
		}
	}

	/**
	 * A delay read from the latencies observed so far by the same {@link Replicator}: the latency of
	 * each winning replica, measured from that replica's own start (losers are cancelled, so their
	 * latency is never known; the observed distribution leans fast).
	 *
	 * @param percentile in (0, 100], nearest-rank
	 * @param initial    the delay until {@code minSamples} latencies are known
	 * @param window     how many of the most recent latencies are kept, at least 1
	 * @param minSamples how many latencies are needed before they are used, 1 to {@code window}
	 */
	record Percentile(double percentile, Duration initial, int window, int minSamples) implements HedgeDelay {

		/**
		 * Validates every argument, naming it when it is wrong.
		 *
		 * @param percentile in (0, 100]
		 * @param initial    zero or more
		 * @param window     at least 1
		 * @param minSamples 1 to {@code window}
		 */
		public Percentile {
			Objects.requireNonNull(initial, "initial");
			if (!(percentile > 0 && percentile <= 100)) {
				throw new IllegalArgumentException("percentile must be in (0, 100], was " + percentile);
			}
			if (initial.isNegative()) {
				throw new IllegalArgumentException("initial must not be negative, was " + initial);
			}
			if (window < 1) {
				throw new IllegalArgumentException("window must be at least 1, was " + window);
			}
			if (minSamples < 1 || minSamples > window) {
				throw new IllegalArgumentException("minSamples must be in [1, window=" + window + "], was " + minSamples);
			}
		}
	}
}
