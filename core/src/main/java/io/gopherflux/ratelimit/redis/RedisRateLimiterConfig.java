package io.gopherflux.ratelimit.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

import io.gopherflux.ratelimit.NanoClock;
import io.gopherflux.ratelimit.RateLimiterMetrics;
import io.lettuce.core.RedisURI;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The immutable configuration of {@link RedisRateLimiters}: where Redis is, how long to wait for
 * it, and what to do without it; validated when built, so that a bad URI is a configuration error
 * at startup and not a failure on the first request.
 *
 * @param name           the name in logs and metrics
 * @param redisUri       Lettuce's URI syntax: {@code redis://[[user:]password@]host[:port][/database]},
 *                       {@code rediss://} for TLS, {@code redis-sentinel://}, {@code redis-socket://path};
 *                       never printed with its password
 * @param timeout        the longest wait for any Redis call (connecting included); past it the call
 *                       counts as failed and the failure policy decides
 * @param retryInterval  how often an unavailable Redis is probed until it answers again
 * @param failurePolicy  what happens while Redis is unavailable
 * @param keyPrefix      what every key this library writes starts with
 * @param scheduler      whose timers {@code acquire} waits on and time-outs run on, and whose clock
 *                       deadlines are read on
 * @param clock          the clock of the in-process fallback buckets and of reservations' remaining
 *                       delays; the scheduler's by default, as a {@link io.gopherflux.ratelimit.TokenBucket}'s
 * @param metrics        where every limiter's decisions are reported (by Redis or by the fallback)
 * @param redisMetrics   where Redis's availability, reloads and round trips are reported
 */
public record RedisRateLimiterConfig(String name, String redisUri, Duration timeout, Duration retryInterval,
		FailurePolicy failurePolicy, String keyPrefix, Scheduler scheduler, NanoClock clock,
		RateLimiterMetrics metrics, RedisLimiterMetrics redisMetrics) {

	/** The default {@link #timeout()}. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);

	/** The default {@link #retryInterval()}. */
	public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);

	/** The default {@link #keyPrefix()}. */
	public static final String DEFAULT_KEY_PREFIX = "gopherflux:ratelimit:";

	/**
	 * Validates the configuration.
	 *
	 * @param name          the name in logs and metrics
	 * @param redisUri      where Redis is, in Lettuce's URI syntax
	 * @param timeout       the longest wait for any Redis call
	 * @param retryInterval how often an unavailable Redis is probed
	 * @param failurePolicy what happens while Redis is unavailable
	 * @param keyPrefix     what every key starts with
	 * @param scheduler     for timers, time-outs and deadlines
	 * @param clock         of the fallback buckets and of reservations' delays
	 * @param metrics       where decisions are reported
	 * @param redisMetrics  where Redis's availability, reloads and round trips are reported
	 * @throws NullPointerException     if any reference is {@code null}
	 * @throws IllegalArgumentException if {@code redisUri} is not a Redis URI, or {@code timeout}
	 *                                  or {@code retryInterval} is not positive
	 */
	public RedisRateLimiterConfig {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(redisUri, "redisUri");
		Objects.requireNonNull(timeout, "timeout");
		Objects.requireNonNull(retryInterval, "retryInterval");
		Objects.requireNonNull(failurePolicy, "failurePolicy");
		Objects.requireNonNull(keyPrefix, "keyPrefix");
		Objects.requireNonNull(scheduler, "scheduler");
		Objects.requireNonNull(clock, "clock");
		Objects.requireNonNull(metrics, "metrics");
		Objects.requireNonNull(redisMetrics, "redisMetrics");
		parse(redisUri);
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive, was " + timeout);
		}
		if (retryInterval.isNegative() || retryInterval.isZero()) {
			throw new IllegalArgumentException("retryInterval must be positive, was " + retryInterval);
		}
	}

	/**
	 * A builder for limiters on the Redis at {@code redisUri}; every other setting has a default.
	 * The URI is checked when the configuration is built.
	 *
	 * @param redisUri where Redis is, in Lettuce's URI syntax
	 * @return the builder
	 */
	public static Builder builder(String redisUri) {
		return new Builder(redisUri);
	}

	/**
	 * The configuration with every setting at its default but the URI.
	 *
	 * @param redisUri where Redis is, in Lettuce's URI syntax
	 * @return the configuration
	 * @throws IllegalArgumentException if the URI is not a Redis URI
	 */
	public static RedisRateLimiterConfig of(String redisUri) {
		return builder(redisUri).build();
	}

	/** The URI as Lettuce reads it. */
	RedisURI redisURI() {
		return parse(redisUri);
	}

	/** The URI without its password, for logs and errors. */
	String redisDisplay() {
		return parse(redisUri).toString();
	}

	/**
	 * Parses with Lettuce, which accepts some strings a Redis server could never be at (in
	 * {@code redis://host:notaport} it takes {@code host:notaport} as the host), so the host part
	 * is checked with {@link URI} first.
	 */
	static RedisURI parse(String redisUri) {
		String problem = null;
		RedisURI parsed = null;
		try {
			URI uri = new URI(redisUri);
			String scheme = uri.getScheme();
			if (scheme == null) {
				problem = "it has no scheme";
			}
			else if (!scheme.equals("redis-socket") && !scheme.equals("redis-sentinel") && uri.getHost() == null) {
				problem = "it has no valid host[:port]";
			}
			else {
				parsed = RedisURI.create(redisUri);
			}
		}
		catch (URISyntaxException e) {
			// The exception's own message repeats the whole URI, password included.
			problem = e.getReason() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "");
		}
		catch (IllegalArgumentException | IllegalStateException e) {
			problem = e.getMessage() == null ? e.getClass().getSimpleName() : masked(e.getMessage());
		}
		if (problem != null) {
			throw new IllegalArgumentException("redisUri is not a Redis URI (" + problem + "); expected "
					+ "redis://[[user:]password@]host[:port][/database], rediss://..., redis-sentinel://... or "
					+ "redis-socket://path, was '" + masked(redisUri) + "'");
		}
		return parsed;
	}

	/** Hides whatever sits between {@code ://} and {@code @}: a password has no business in a log. */
	private static String masked(String redisUri) {
		int start = redisUri.indexOf("://");
		int at = redisUri.lastIndexOf('@');
		return start >= 0 && at > start ? redisUri.substring(0, start + 3) + "***" + redisUri.substring(at) : redisUri;
	}

	@Override
	public String toString() {
		return "RedisRateLimiterConfig[name=" + name + ", redis=" + redisDisplay() + ", timeout=" + timeout
				+ ", retryInterval=" + retryInterval + ", failurePolicy=" + failurePolicy + ", keyPrefix=" + keyPrefix + "]";
	}

	/** Builds a {@link RedisRateLimiterConfig}. */
	public static final class Builder {

		private final String redisUri;
		private String name = "redis-rate-limiter";
		private Duration timeout = DEFAULT_TIMEOUT;
		private Duration retryInterval = DEFAULT_RETRY_INTERVAL;
		private FailurePolicy failurePolicy = FailurePolicy.FAIL_OPEN;
		private String keyPrefix = DEFAULT_KEY_PREFIX;
		private Scheduler scheduler;
		private NanoClock clock;
		private RateLimiterMetrics metrics = RateLimiterMetrics.noop();
		private RedisLimiterMetrics redisMetrics = RedisLimiterMetrics.noop();

		Builder(String redisUri) {
			this.redisUri = Objects.requireNonNull(redisUri, "redisUri");
		}

		/**
		 * The name in logs and metrics; {@code redis-rate-limiter} by default.
		 *
		 * @param name the name
		 * @return this builder
		 */
		public Builder name(String name) {
			this.name = Objects.requireNonNull(name, "name");
			return this;
		}

		/**
		 * The longest wait for a Redis call; 250 ms by default.
		 *
		 * @param timeout the timeout, positive
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = Objects.requireNonNull(timeout, "timeout");
			return this;
		}

		/**
		 * How often an unavailable Redis is probed; one second by default.
		 *
		 * @param retryInterval the interval, positive
		 * @return this builder
		 */
		public Builder retryInterval(Duration retryInterval) {
			this.retryInterval = Objects.requireNonNull(retryInterval, "retryInterval");
			return this;
		}

		/**
		 * What happens while Redis is unavailable; {@link FailurePolicy#FAIL_OPEN} by default.
		 *
		 * @param failurePolicy the policy
		 * @return this builder
		 */
		public Builder failurePolicy(FailurePolicy failurePolicy) {
			this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
			return this;
		}

		/**
		 * What every key starts with; {@value RedisRateLimiterConfig#DEFAULT_KEY_PREFIX} by default.
		 *
		 * @param keyPrefix the prefix
		 * @return this builder
		 */
		public Builder keyPrefix(String keyPrefix) {
			this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
			return this;
		}

		/**
		 * The timers' scheduler; {@link Schedulers#parallel()} (read when {@link #build()} is called) by default.
		 *
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder scheduler(Scheduler scheduler) {
			this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
			return this;
		}

		/**
		 * The clock of the fallback buckets and of reservations' delays; the scheduler's, {@link NanoClock#of(Scheduler)}, by default.
		 *
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(NanoClock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
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
		 * Where Redis's availability, reloads and round trips are reported; nowhere by default.
		 *
		 * @param redisMetrics the metrics port
		 * @return this builder
		 */
		public Builder redisMetrics(RedisLimiterMetrics redisMetrics) {
			this.redisMetrics = Objects.requireNonNull(redisMetrics, "redisMetrics");
			return this;
		}

		/**
		 * The configuration.
		 *
		 * @return the configuration
		 * @throws IllegalArgumentException if the URI is not a Redis URI or a duration not positive
		 */
		public RedisRateLimiterConfig build() {
			Scheduler timers = scheduler != null ? scheduler : Schedulers.parallel();
			return new RedisRateLimiterConfig(name, redisUri, timeout, retryInterval, failurePolicy, keyPrefix, timers,
					clock != null ? clock : NanoClock.of(timers), metrics, redisMetrics);
		}
	}
}
