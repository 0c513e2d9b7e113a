package io.gopherflux.steward;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How a {@link Steward} watches its ward: immutable, validated on construction.
 *
 * @param name          the ward's name, in logs, errors and meter tags
 * @param timeout       how long the ward may stay silent before it is restarted; positive. The
 *                      ward is asked to pulse at half of it, as in the book
 * @param restartPolicy when and how often to restart
 * @param scheduler     the source of time for timeouts, backoff and the steward's own pulses,
 *                      and where restarts run
 * @param metrics       where to report starts, restarts and missed heartbeats
 * @param random        where the restart policy's jitter comes from; called on the threads where
 *                      wards end, so it must be safe to share between the steward's
 *                      subscriptions ({@link java.util.Random} is; {@link java.util.SplittableRandom}
 *                      is not)
 * @param warnOnRestart whether restarts after a missed heartbeat or an error (at most one line a
 *                      minute per subscription) and giving up are logged at warn level (the
 *                      default); if not, everything at debug level, for stewards that others start
 *                      at will (one per request of a server, say), whose restarts the metrics count
 *                      without letting them set the volume of the log
 */
public record StewardConfig(String name, Duration timeout, RestartPolicy restartPolicy, Scheduler scheduler,
		StewardMetrics metrics, RandomGenerator random, boolean warnOnRestart) {

	/**
	 * Validates every argument, naming it when it is wrong.
	 *
	 * @param name          not blank
	 * @param timeout       positive
	 * @param restartPolicy when and how often to restart
	 * @param scheduler     the source of time, where restarts run
	 * @param metrics       where to report
	 * @param random        where the jitter comes from
	 * @param warnOnRestart restarts and giving up at warn level, or all at debug level
	 */
	public StewardConfig {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(timeout, "timeout");
		Objects.requireNonNull(restartPolicy, "restartPolicy");
		Objects.requireNonNull(scheduler, "scheduler");
		Objects.requireNonNull(metrics, "metrics");
		Objects.requireNonNull(random, "random");
		if (name.isBlank()) {
			throw new IllegalArgumentException("name must not be blank");
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive, was " + timeout);
		}
	}

	/**
	 * A configuration that logs restarts at warn level.
	 *
	 * @param name          not blank
	 * @param timeout       positive
	 * @param restartPolicy when and how often to restart
	 * @param scheduler     the source of time, where restarts run
	 * @param metrics       where to report
	 * @param random        where the jitter comes from
	 */
	public StewardConfig(String name, Duration timeout, RestartPolicy restartPolicy, Scheduler scheduler,
			StewardMetrics metrics, RandomGenerator random) {
		this(name, timeout, restartPolicy, scheduler, metrics, random, true);
	}

	/**
	 * A configuration that logs restarts at warn level, with jitter from
	 * {@link ThreadLocalRandom}.
	 *
	 * @param name          not blank
	 * @param timeout       positive
	 * @param restartPolicy when and how often to restart
	 * @param scheduler     the source of time, where restarts run
	 * @param metrics       where to report
	 */
	public StewardConfig(String name, Duration timeout, RestartPolicy restartPolicy, Scheduler scheduler,
			StewardMetrics metrics) {
		this(name, timeout, restartPolicy, scheduler, metrics, ThreadLocalJitter.INSTANCE, true);
	}

	/**
	 * A configuration with the {@linkplain RestartPolicy#defaults(Duration) default restart
	 * policy} for {@code timeout} (backoff from a tenth of the timeout to the timeout),
	 * {@link Schedulers#parallel()}, no metrics and jitter from {@link ThreadLocalRandom}.
	 *
	 * @param name    the ward's name, in logs, errors and meter tags; not blank
	 * @param timeout how long the ward may stay silent before it is restarted; positive
	 * @return the configuration
	 */
	public static StewardConfig of(String name, Duration timeout) {
		Objects.requireNonNull(name, "name");
		return new StewardConfig(name, timeout, RestartPolicy.defaults(timeout), Schedulers.parallel(),
				StewardMetrics.NOOP, ThreadLocalJitter.INSTANCE, true);
	}

	/**
	 * This configuration with another restart policy.
	 *
	 * @param restartPolicy when and how often to restart
	 * @return the new configuration
	 */
	public StewardConfig withRestartPolicy(RestartPolicy restartPolicy) {
		return new StewardConfig(name, timeout, restartPolicy, scheduler, metrics, random, warnOnRestart);
	}

	/**
	 * This configuration with another scheduler.
	 *
	 * @param scheduler the source of time and where restarts run
	 * @return the new configuration
	 */
	public StewardConfig withScheduler(Scheduler scheduler) {
		return new StewardConfig(name, timeout, restartPolicy, scheduler, metrics, random, warnOnRestart);
	}

	/**
	 * This configuration reporting to {@code metrics}.
	 *
	 * @param metrics where to report starts, restarts and missed heartbeats
	 * @return the new configuration
	 */
	public StewardConfig withMetrics(StewardMetrics metrics) {
		return new StewardConfig(name, timeout, restartPolicy, scheduler, metrics, random, warnOnRestart);
	}

	/**
	 * This configuration logging restarts and giving up at warn level ({@code true}, at most one
	 * restart line a minute per subscription) or everything at debug level ({@code false}).
	 *
	 * @param warnOnRestart whether restarts are news for the log
	 * @return the new configuration
	 */
	public StewardConfig withWarnOnRestart(boolean warnOnRestart) {
		return new StewardConfig(name, timeout, restartPolicy, scheduler, metrics, random, warnOnRestart);
	}

	/**
	 * This configuration taking its jitter from {@code random}: a seeded generator makes the
	 * restart delays repeatable.
	 *
	 * @param random a generator safe to share between threads
	 * @return the new configuration
	 */
	public StewardConfig withRandom(RandomGenerator random) {
		return new StewardConfig(name, timeout, restartPolicy, scheduler, metrics, random, warnOnRestart);
	}

	/**
	 * The interval the ward is asked to pulse at.
	 *
	 * @return half the timeout, at least a nanosecond
	 */
	public Duration wardPulseInterval() {
		Duration half = timeout.dividedBy(2);
		return half.isZero() ? Duration.ofNanos(1) : half;
	}

	/** The current thread's {@link ThreadLocalRandom}, asked afresh on every call. */
	private enum ThreadLocalJitter implements RandomGenerator {
		INSTANCE;

		@Override
		public long nextLong() {
			return ThreadLocalRandom.current().nextLong();
		}

		@Override
		public double nextDouble() {
			return ThreadLocalRandom.current().nextDouble();
		}

		@Override
		public String toString() {
			return "ThreadLocalRandom";
		}
	}
}
