package io.gopherflux.ratelimit;

import java.util.Objects;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The immutable configuration of a {@link TokenBucket}: rate, burst, and where its time comes
 * from, validated when built.
 *
 * @param name      the name in errors and metrics
 * @param limit     the rate at which tokens come back
 * @param burst     the bucket's depth: the most tokens that can be taken at once; the bucket starts full
 * @param scheduler whose timers {@code acquire} waits on, and whose clock deadlines are read on
 * @param clock     the clock the bucket reads on every request; by default the scheduler's,
 *                  {@link NanoClock#of(Scheduler) NanoClock.of(scheduler)}, so that a bucket made under
 *                  {@code StepVerifier.withVirtualTime} is entirely on virtual time
 * @param metrics   where decisions are reported; {@link RateLimiterMetrics#noop()} by default
 */
public record TokenBucketConfig(String name, Limit limit, int burst, Scheduler scheduler, NanoClock clock,
		RateLimiterMetrics metrics) {

	/**
	 * The longest time a full bucket may stand for, in ticks of 1/16 ns (about nine years), so that
	 * the bucket's arithmetic cannot overflow.
	 */
	static final double MAX_TOLERANCE_TICKS = 0x1p62;

	/**
	 * Validates the configuration.
	 *
	 * @param name      the name in errors and metrics
	 * @param limit     the rate at which tokens come back
	 * @param burst     the bucket's depth
	 * @param scheduler whose timers {@code acquire} waits on, and whose clock deadlines are read on
	 * @param clock     the clock the bucket reads on every request
	 * @param metrics   where decisions are reported
	 * @throws NullPointerException     if any reference is {@code null}
	 * @throws IllegalArgumentException if {@code burst} is less than 1, or the limit so slow that a
	 *                                  full bucket would stand for more than about nine years
	 */
	public TokenBucketConfig {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(limit, "limit");
		Objects.requireNonNull(scheduler, "scheduler");
		Objects.requireNonNull(clock, "clock");
		Objects.requireNonNull(metrics, "metrics");
		if (burst < 1) {
			throw new IllegalArgumentException("burst must be at least 1, was " + burst);
		}
		if (!limit.isZero() && !limit.isInfinite() && TokenBucket.TICKS_PER_SECOND / limit.perSecond() * burst > MAX_TOLERANCE_TICKS) {
			throw new IllegalArgumentException("limit " + limit + " is too slow for burst " + burst
					+ ": a full bucket would stand for more than 9 years");
		}
	}

	/**
	 * A builder for a bucket of rate {@code limit} and depth {@code burst}; every other setting has a default.
	 *
	 * @param limit the rate at which tokens come back
	 * @param burst the bucket's depth
	 * @return the builder
	 */
	public static Builder builder(Limit limit, int burst) {
		return new Builder(limit, burst);
	}

	/** Builds a {@link TokenBucketConfig}. */
	public static final class Builder {

		private final Limit limit;
		private final int burst;
		private String name = "rate-limiter";
		private Scheduler scheduler;
		private NanoClock clock;
		private RateLimiterMetrics metrics = RateLimiterMetrics.noop();

		Builder(Limit limit, int burst) {
			this.limit = Objects.requireNonNull(limit, "limit");
			this.burst = burst;
		}

		/**
		 * The name in errors and metrics; {@code rate-limiter} by default.
		 *
		 * @param name the name
		 * @return this builder
		 */
		public Builder name(String name) {
			this.name = Objects.requireNonNull(name, "name");
			return this;
		}

		/**
		 * The timers' scheduler, and the clock's unless {@link #clock(NanoClock)} sets another;
		 * {@link Schedulers#parallel()} (read when {@link #build()} is called, so the virtual-time
		 * one inside {@code StepVerifier.withVirtualTime}) by default.
		 *
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder scheduler(Scheduler scheduler) {
			this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
			return this;
		}

		/**
		 * The clock read on every request; the scheduler's by default. {@link NanoClock#system()}
		 * reads {@code System.nanoTime()} whatever the scheduler: for a custom scheduler whose
		 * {@code now(NANOSECONDS)} is coarse or not monotonic.
		 *
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(NanoClock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * Takes both timers and clock from {@code scheduler}, dropping a clock set before: what
		 * {@link #scheduler(Scheduler)} does when no clock is set.
		 *
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder timeFrom(Scheduler scheduler) {
			return scheduler(scheduler).clock(NanoClock.of(scheduler));
		}

		/**
		 * Where decisions are reported; nowhere by default.
		 *
		 * @param metrics the metrics port
		 * @return this builder
		 */
		public Builder metrics(RateLimiterMetrics metrics) {
			this.metrics = Objects.requireNonNull(metrics, "metrics");
			return this;
		}

		/**
		 * The configuration.
		 *
		 * @return the configuration
		 * @throws IllegalArgumentException if the burst is less than 1 or the limit too slow for it
		 */
		public TokenBucketConfig build() {
			Scheduler timers = scheduler != null ? scheduler : Schedulers.parallel();
			return new TokenBucketConfig(name, limit, burst, timers, clock != null ? clock : NanoClock.of(timers), metrics);
		}
	}
}
