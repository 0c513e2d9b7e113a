package io.gopherflux.ratelimit.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import io.gopherflux.ratelimit.NanoClock;
import io.gopherflux.ratelimit.RateLimiterMetrics;
import io.lettuce.core.RedisURI;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The immutable configuration of {@link RedisRateLimiters}: how long to wait for Redis, when to
 * count it unavailable and what to do without it, and, for
 * {@link RedisRateLimiters#create(RedisRateLimiterConfig)}, where it is; validated when built, so
 * that a bad URI is a configuration error at startup and not a failure on the first request.
 * <p>
 * Limiters on the application's own Lettuce client or connection
 * ({@code RedisRateLimiters.on(...)}) take a configuration without a URI, from {@link #builder()}.
 *
 * @param name             the name in logs and metrics
 * @param redisUri         where Redis is, or {@code null} for limiters on the application's own
 *                         client or connection. Lettuce's URI syntax:
 *                         {@code redis://[[user:]password@]host[:port][/database]}, {@code rediss://}
 *                         for TLS, {@code redis-sentinel://}, {@code redis-socket://path}; and for a
 *                         Redis Cluster, its seed nodes:
 *                         {@code redis-cluster://[[user:]password@]host[:port][,host[:port]...]}
 *                         ({@code rediss-cluster://} for TLS). Never printed with its password
 * @param timeout          the longest wait for any Redis call (connecting included); past it the
 *                         call counts as failed and the failure policy decides
 * @param retryInterval    how often an unavailable Redis is probed until it answers again
 * @param failureThreshold how many calls must fail, within {@code failureWindow}, before Redis counts
 *                         as unavailable (each failed call is decided by the failure policy
 *                         meanwhile); only failures that say Redis is down count, not errors a
 *                         call's own keys cause
 * @param failureWindow    the window of {@code failureThreshold}
 * @param failurePolicy    what happens while Redis is unavailable
 * @param keyPrefix        what every key this library writes starts with; no braces (a brace would
 *                         make the prefix a Redis Cluster hash tag, putting every budget in one slot)
 * @param scheduler        whose timers {@code acquire} waits on and time-outs run on, and whose
 *                         clock deadlines are read on
 * @param clock            the clock of the in-process fallback buckets and of reservations' remaining
 *                         delays; the scheduler's by default, as a {@link io.gopherflux.ratelimit.TokenBucket}'s
 * @param metrics          where every limiter's decisions are reported (by Redis or by the fallback)
 * @param redisMetrics     where Redis's availability, reloads and round trips are reported
 */
public record RedisRateLimiterConfig(String name, String redisUri, Duration timeout, Duration retryInterval,
		int failureThreshold, Duration failureWindow, FailurePolicy failurePolicy, String keyPrefix, Scheduler scheduler,
		NanoClock clock, RateLimiterMetrics metrics, RedisLimiterMetrics redisMetrics) {

	/** The default {@link #timeout()}. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);

	/** The default {@link #retryInterval()}. */
	public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);

	/** The default {@link #failureThreshold()}: a stray slow call is not an outage, three within the window are. */
	public static final int DEFAULT_FAILURE_THRESHOLD = 3;

	/** The default {@link #failureWindow()}: long enough that a service with a few requests a second notices an outage. */
	public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofSeconds(10);

	/** The scheme of a Redis Cluster's seed nodes: {@code redis-cluster://[[user:]password@]host[:port][,host[:port]...][?options]}. */
	static final String CLUSTER_SCHEME = "redis-cluster";

	/** {@link #CLUSTER_SCHEME} with TLS. */
	static final String TLS_CLUSTER_SCHEME = "rediss-cluster";

	/** The default {@link #keyPrefix()}. */
	public static final String DEFAULT_KEY_PREFIX = "gopherflux:ratelimit:";

	/**
	 * Validates the configuration.
	 *
	 * @param name             the name in logs and metrics
	 * @param redisUri         where Redis is, in Lettuce's URI syntax or {@code redis-cluster://};
	 *                         {@code null} for limiters on the application's own client or connection
	 * @param timeout          the longest wait for any Redis call
	 * @param retryInterval    how often an unavailable Redis is probed
	 * @param failureThreshold how many failed calls within {@code failureWindow} make Redis unavailable
	 * @param failureWindow    the window of {@code failureThreshold}
	 * @param failurePolicy    what happens while Redis is unavailable
	 * @param keyPrefix        what every key starts with
	 * @param scheduler        for timers, time-outs and deadlines
	 * @param clock            of the fallback buckets and of reservations' delays
	 * @param metrics          where decisions are reported
	 * @param redisMetrics     where Redis's availability, reloads and round trips are reported
	 * @throws NullPointerException     if any reference but {@code redisUri} is {@code null}
	 * @throws IllegalArgumentException if {@code redisUri} is not a Redis URI, {@code timeout},
	 *                                  {@code retryInterval} or {@code failureWindow} is not
	 *                                  positive, {@code failureThreshold} is less than 1, or
	 *                                  {@code keyPrefix} has a brace
	 */
	public RedisRateLimiterConfig {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(timeout, "timeout");
		Objects.requireNonNull(retryInterval, "retryInterval");
		Objects.requireNonNull(failureWindow, "failureWindow");
		Objects.requireNonNull(failurePolicy, "failurePolicy");
		Objects.requireNonNull(keyPrefix, "keyPrefix");
		Objects.requireNonNull(scheduler, "scheduler");
		Objects.requireNonNull(clock, "clock");
		Objects.requireNonNull(metrics, "metrics");
		Objects.requireNonNull(redisMetrics, "redisMetrics");
		if (redisUri != null) {
			parse(redisUri);
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive, was " + timeout);
		}
		if (retryInterval.isNegative() || retryInterval.isZero()) {
			throw new IllegalArgumentException("retryInterval must be positive, was " + retryInterval);
		}
		if (failureThreshold < 1) {
			throw new IllegalArgumentException("failureThreshold must be at least 1, was " + failureThreshold);
		}
		if (failureWindow.isNegative() || failureWindow.isZero()) {
			throw new IllegalArgumentException("failureWindow must be positive, was " + failureWindow);
		}
		if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException("keyPrefix must not have braces (they would make it the Redis Cluster "
					+ "hash tag of every key, all in one slot), was '" + keyPrefix + "'");
		}
	}

	/**
	 * A builder for limiters on the application's own Lettuce client or connection
	 * ({@code RedisRateLimiters.on(...)}): no URI; every setting has a default.
	 *
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder(null);
	}

	/**
	 * A builder for limiters on the Redis at {@code redisUri}; every other setting has a default.
	 * The URI is checked when the configuration is built.
	 *
	 * @param redisUri where Redis is, in Lettuce's URI syntax, or {@code redis-cluster://} seeds
	 * @return the builder
	 */
	public static Builder builder(String redisUri) {
		return new Builder(Objects.requireNonNull(redisUri, "redisUri"));
	}

	/**
	 * The configuration with every setting at its default but the URI.
	 *
	 * @param redisUri where Redis is, in Lettuce's URI syntax, or {@code redis-cluster://} seeds
	 * @return the configuration
	 * @throws IllegalArgumentException if the URI is not a Redis URI
	 */
	public static RedisRateLimiterConfig of(String redisUri) {
		return builder(redisUri).build();
	}

	/** Whether {@link #redisUri()} names a Redis Cluster by its seed nodes. */
	boolean cluster() {
		return redisUri != null && isCluster(redisUri);
	}

	/** The URI as Lettuce reads it: one element, or a cluster's seed nodes. */
	List<RedisURI> redisURIs() {
		return parse(Objects.requireNonNull(redisUri, "redisUri"));
	}

	/** The URI without its password, for logs and errors. */
	String redisDisplay() {
		return display(redisURIs());
	}

	/** Where these Redis nodes are, without passwords. */
	static String display(List<RedisURI> uris) {
		return uris.size() == 1 ? uris.get(0).toString() : uris.stream().map(RedisURI::toString).collect(Collectors.joining(",", "[", "]"));
	}

	private static boolean isCluster(String redisUri) {
		return redisUri.startsWith(CLUSTER_SCHEME + "://") || redisUri.startsWith(TLS_CLUSTER_SCHEME + "://");
	}

	/**
	 * Parses with Lettuce, which accepts some strings a Redis server could never be at (in
	 * {@code redis://host:notaport} it takes {@code host:notaport} as the host), so each host part
	 * is checked with {@link URI} first. A cluster's seeds share the scheme, credentials and
	 * options written once.
	 */
	static List<RedisURI> parse(String redisUri) {
		String problem = null;
		List<RedisURI> parsed = null;
		try {
			if (isCluster(redisUri)) {
				parsed = parseCluster(redisUri);
			}
			else {
				URI uri = new URI(redisUri);
				String scheme = uri.getScheme();
				if (scheme == null) {
					problem = "it has no scheme";
				}
				else if (!scheme.equals("redis-socket") && !scheme.equals("redis-sentinel") && uri.getHost() == null) {
					problem = uri.getRawAuthority() != null && uri.getRawAuthority().contains(",")
							? "several hosts; a Redis Cluster is written redis-cluster://host:port,host:port"
							: "it has no valid host[:port]";
				}
				else {
					parsed = List.of(RedisURI.create(redisUri));
				}
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
					+ "redis://[[user:]password@]host[:port][/database], rediss://..., redis-sentinel://..., "
					+ "redis-socket://path or redis-cluster://[[user:]password@]host[:port][,host[:port]...], was '"
					+ masked(redisUri) + "'");
		}
		return parsed;
	}

	private static List<RedisURI> parseCluster(String redisUri) throws URISyntaxException {
		String plain = redisUri.startsWith(TLS_CLUSTER_SCHEME) ? "rediss" : "redis";
		String rest = redisUri.substring(redisUri.indexOf("://") + 3);
		int end = indexOfAny(rest, "/?#");
		String authority = end < 0 ? rest : rest.substring(0, end);
		String tail = end < 0 ? "" : rest.substring(end);
		if (tail.startsWith("/") && !tail.matches("/0?([?#].*)?")) {
			throw new IllegalArgumentException("a Redis Cluster has only database 0");
		}
		int at = authority.lastIndexOf('@');
		String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
		String hosts = authority.substring(at + 1);
		List<RedisURI> seeds = new ArrayList<>();
		for (String host : hosts.split(",", -1)) {
			URI seed = new URI(plain + "://" + userInfo + host + tail);
			if (host.isEmpty() || seed.getHost() == null) {
				throw new IllegalArgumentException("seed '" + host + "' is not a valid host[:port]");
			}
			seeds.add(RedisURI.create(seed.toString()));
		}
		return List.copyOf(seeds);
	}

	private static int indexOfAny(String s, String chars) {
		for (int i = 0; i < s.length(); i++) {
			if (chars.indexOf(s.charAt(i)) >= 0) {
				return i;
			}
		}
		return -1;
	}

	/** Hides whatever sits between {@code ://} and {@code @}: a password has no business in a log. */
	private static String masked(String redisUri) {
		int start = redisUri.indexOf("://");
		int at = redisUri.lastIndexOf('@');
		return start >= 0 && at > start ? redisUri.substring(0, start + 3) + "***" + redisUri.substring(at) : redisUri;
	}

	@Override
	public String toString() {
		return "RedisRateLimiterConfig[name=" + name + ", redis=" + (redisUri == null ? "the application's client" : redisDisplay())
				+ ", timeout=" + timeout + ", retryInterval=" + retryInterval + ", failureThreshold=" + failureThreshold
				+ " in " + failureWindow + ", failurePolicy=" + failurePolicy + ", keyPrefix=" + keyPrefix + "]";
	}

	/** Builds a {@link RedisRateLimiterConfig}. */
	public static final class Builder {

		private final String redisUri;
		private String name = "redis-rate-limiter";
		private Duration timeout = DEFAULT_TIMEOUT;
		private Duration retryInterval = DEFAULT_RETRY_INTERVAL;
		private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
		private Duration failureWindow = DEFAULT_FAILURE_WINDOW;
		private FailurePolicy failurePolicy = FailurePolicy.FAIL_OPEN;
		private String keyPrefix = DEFAULT_KEY_PREFIX;
		private Scheduler scheduler;
		private NanoClock clock;
		private RateLimiterMetrics metrics = RateLimiterMetrics.noop();
		private RedisLimiterMetrics redisMetrics = RedisLimiterMetrics.noop();

		Builder(String redisUri) {
			this.redisUri = redisUri;
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
		 * How many failed calls within the {@linkplain #failureWindow(Duration) window} make Redis
		 * unavailable; {@value RedisRateLimiterConfig#DEFAULT_FAILURE_THRESHOLD} by default (1: the first
		 * failure does).
		 *
		 * @param failureThreshold the number of failures, at least 1
		 * @return this builder
		 */
		public Builder failureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
			return this;
		}

		/**
		 * The window within which {@linkplain #failureThreshold(int) the threshold's} failures must
		 * fall; ten seconds by default.
		 *
		 * @param failureWindow the window, positive
		 * @return this builder
		 */
		public Builder failureWindow(Duration failureWindow) {
			this.failureWindow = Objects.requireNonNull(failureWindow, "failureWindow");
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
		 * @param keyPrefix the prefix, without braces
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
		 * @throws IllegalArgumentException if a setting is invalid, as the record's constructor says
		 */
		public RedisRateLimiterConfig build() {
			Scheduler timers = scheduler != null ? scheduler : Schedulers.parallel();
			return new RedisRateLimiterConfig(name, redisUri, timeout, retryInterval, failureThreshold, failureWindow,
					failurePolicy, keyPrefix, timers, clock != null ? clock : NanoClock.of(timers), metrics, redisMetrics);
		}
	}
}
