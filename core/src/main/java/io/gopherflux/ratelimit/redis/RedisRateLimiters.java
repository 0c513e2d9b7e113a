package io.gopherflux.ratelimit.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import io.gopherflux.ratelimit.Limit;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.resource.ClientResources;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The Redis side shared by {@link RedisRateLimiter}s: where Redis is (one server or a Redis
 * Cluster), the scripts, Redis's availability and the failure policy. Create one per application
 * (per Redis), hand out a limiter per budget with {@link #limiter(String, List)}, and
 * {@link #close()} it on shutdown.
 * <pre>{@code
 * RedisRateLimiters redis = RedisRateLimiters.create(RedisRateLimiterConfig.of("redis://localhost:6379"));
 * RedisRateLimiter client = redis.limiter("client-42",
 *         Tier.of("per-second", Limit.of(10), 10), Tier.of("per-minute", Limit.per(100, Duration.ofMinutes(1)), 100));
 * client.reserve(1, Duration.ZERO).subscribe(reservation -> ... reservation.ok() ...);
 * }</pre>
 * <p>
 * <b>Where Redis is.</b> {@link #create(RedisRateLimiterConfig)} opens its own Lettuce client
 * on the configuration's URI ({@code redis://...}, or {@code redis-cluster://host:port,host:port}
 * for a Redis Cluster) and closes it with the limiters. Lettuce's guidance is to share one client,
 * and one set of {@link ClientResources}, per application: {@code on(...)} takes the application's
 * {@link RedisClient}, {@link RedisClusterClient} or connection (keys and values as strings), and
 * {@link #create(RedisRateLimiterConfig, ClientResources)} the application's resources; closing
 * the limiters closes only what they opened (a connection on the application's client, a client on
 * its resources), never what the application gave.
 * <p>
 * Limiters are cheap views (a key and its tiers): making one per request is fine, and every
 * limiter on the same key and tiers, in this process or any other, draws on the same budget.
 * <p>
 * <b>Availability.</b> Creating connects in the background and does not wait: a Redis that is
 * down at startup is handled like one that goes down later. Every call has the configured
 * {@linkplain RedisRateLimiterConfig#timeout() timeout}; a call that fails or times out is
 * decided by the {@link FailurePolicy}, and when
 * {@linkplain RedisRateLimiterConfig#failureThreshold() a threshold} of them fail within
 * {@linkplain RedisRateLimiterConfig#failureWindow() a window}, Redis counts as unavailable: one
 * warning is logged and reported to {@link RedisLimiterMetrics#availabilityChanged(boolean)}, and
 * from then on requests do not wait for Redis at all: the failure policy decides them at once,
 * while a probe asks Redis every {@linkplain RedisRateLimiterConfig#retryInterval() retry interval}
 * on the configured scheduler (a {@code PING}; on a Redis Cluster, a {@code PING} to every master
 * the client knows, which fails while a slot has no master). The first probe answered marks Redis
 * available again (one info line, one metric), and the next request goes back to Redis: no
 * restart of anything. Errors a call's own keys cause ({@code CROSSSLOT}, {@code WRONGTYPE}, a
 * slot being migrated, a script error) leave that call to the failure policy but never count as
 * Redis being down.
 * <p>
 * Under {@link FailurePolicy#FAIL_OPEN} each budget falls back to an in-process bucket with its
 * tiers, created when first needed, dropped once full again (idle), and all dropped when Redis is
 * back: memory stays bounded by the clients active during the outage.
 * <p>
 * <b>Redis Cluster.</b> All the tiers of a budget lie in one slot (see
 * {@link RedisRateLimiter#keys()}), so a decision is one script on the master of that slot, on
 * its clock, in one round trip; Lettuce follows {@code MOVED} and {@code ASK}, and a call that meets
 * {@code TRYAGAIN} (its slot half-migrated) is tried again for up to half the timeout. After a
 * failover, the promoted replica learns the scripts on first use (Redis does not replicate them)
 * and the limiters carry on without a restart. What a failover may cost:
 * <ul>
 * <li>While the failed master's slots have no master (a few seconds: the cluster's node timeout
 * and an election), calls for them fail and the failure policy decides them, and once the
 * threshold is reached it decides every call until a probe finds every slot served again: under
 * {@link FailurePolicy#FAIL_CLOSED} nothing is admitted meanwhile; under
 * {@link FailurePolicy#FAIL_OPEN} each instance admits up to its in-process buckets' burst plus
 * their rate over the outage, per budget, the one way this policy over-admits by design.</li>
 * <li>Redis replicates asynchronously: grants the old master acknowledged but had not yet sent to
 * its replica are forgotten by the promoted one, which then admits that many tokens again (per
 * budget on that master: the grants of the last replication lag, typically well under a
 * millisecond's worth), under either policy.</li>
 * <li>The budget moves to the promoted node's clock: if it runs ahead of the old master's by
 * {@code d}, buckets look {@code d} fuller, at most {@code rate * d} tokens more, once (NTP keeps
 * {@code d} to milliseconds); if behind, they refill later.</li>
 * <li>A call in flight when the master died may be sent again by Lettuce to the new master and
 * run twice: that takes tokens twice, and admits less, never more.</li>
 * </ul>
 * For a quick recovery, the application's {@link RedisClusterClient} should refresh its topology
 * periodically, every few seconds ({@code ClusterTopologyRefreshOptions.enablePeriodicRefresh}:
 * Lettuce's adaptive refreshes alone can miss the promotion), and drop failed nodes from its view
 * ({@code ClusterClientOptions.nodeFilter}); the limiters' own client does both, and a warning is
 * logged at creation when the application's client refreshes seldom or never.
 */
public final class RedisRateLimiters implements AutoCloseable {

	private final RedisRateLimiterConfig config;
	/** Per instance, so that one made under a test's capturing logger factory logs there. */
	private final Logger log = Loggers.getLogger(RedisRateLimiters.class);
	private final RedisEndpoint<?> endpoint;
	private final ScriptRunner scripts;
	private final RedisAvailability availability;
	private final FallbackBuckets fallbacks;
	private final CallDeadlines deadlines;

	private RedisRateLimiters(RedisRateLimiterConfig config, RedisEndpoint<?> endpoint) {
		this.config = config;
		this.endpoint = endpoint;
		this.scripts = new ScriptRunner(endpoint, config.redisMetrics(), config.clock(), config.scheduler(), config.timeout());
		this.fallbacks = new FallbackBuckets(config.scheduler(), config.clock(), config.retryInterval());
		this.deadlines = new CallDeadlines(config.scheduler(), config.timeout());
		this.availability = new RedisAvailability(config.failureThreshold(), config.failureWindow(), config.retryInterval(),
				config.timeout(), config.scheduler(), endpoint::probe, new Report());
	}

	/**
	 * Limiters on the Redis that {@code config} names, through a Lettuce client of their own (closed
	 * with them). Returns at once: the connection is made in the background.
	 *
	 * @param config the configuration, with a {@link RedisRateLimiterConfig#redisUri() URI}
	 * @return the limiters, to {@link #close()} on shutdown
	 * @throws IllegalArgumentException if {@code config} has no URI
	 */
	public static RedisRateLimiters create(RedisRateLimiterConfig config) {
		return create(config, null, "config");
	}

	/**
	 * Limiters on the Redis that {@code config} names, through a Lettuce client of their own on the
	 * application's {@code resources} (which closing the limiters leaves running).
	 *
	 * @param config    the configuration, with a {@link RedisRateLimiterConfig#redisUri() URI}
	 * @param resources the application's Lettuce resources (threads, event loops), shared
	 * @return the limiters, to {@link #close()} on shutdown
	 * @throws IllegalArgumentException if {@code config} has no URI
	 */
	public static RedisRateLimiters create(RedisRateLimiterConfig config, ClientResources resources) {
		return create(config, Objects.requireNonNull(resources, "resources"), "config");
	}

	private static RedisRateLimiters create(RedisRateLimiterConfig config, ClientResources resources, String argument) {
		Objects.requireNonNull(config, argument);
		if (config.redisUri() == null) {
			throw new IllegalArgumentException(argument + " has no redisUri: build it with RedisRateLimiterConfig.builder(uri), "
					+ "or use RedisRateLimiters.on(...) with the application's client");
		}
		List<RedisURI> uris = config.redisURIs();
		return new RedisRateLimiters(config, config.cluster()
				? ClusterEndpoint.own(uris, resources, config)
				: StandaloneEndpoint.own(uris.get(0), resources, config));
	}

	/**
	 * Limiters on the Redis at {@code redisUri}, every other setting at its default.
	 *
	 * @param redisUri where Redis is, in Lettuce's URI syntax, or {@code redis-cluster://} seed nodes
	 * @return the limiters, to {@link #close()} on shutdown
	 * @throws IllegalArgumentException if {@code redisUri} is not a Redis URI
	 */
	public static RedisRateLimiters create(String redisUri) {
		return create(RedisRateLimiterConfig.of(redisUri));
	}

	/**
	 * Limiters on the application's {@code client}: they open a connection of their own to
	 * {@code uri} (in the background) and close only that.
	 *
	 * @param client the application's client
	 * @param uri    where Redis is
	 * @param config the configuration, without a URI ({@link RedisRateLimiterConfig#builder()})
	 * @return the limiters, to {@link #close()} on shutdown
	 * @throws IllegalArgumentException if {@code config} has a URI (it would not be used)
	 */
	public static RedisRateLimiters on(RedisClient client, RedisURI uri, RedisRateLimiterConfig config) {
		Objects.requireNonNull(client, "client");
		Objects.requireNonNull(uri, "uri");
		return new RedisRateLimiters(lent(config), StandaloneEndpoint.on(client, uri, config));
	}

	/**
	 * Limiters on the application's {@code connection}, which they never close.
	 *
	 * @param connection the application's connection, keys and values as strings
	 * @param config     the configuration, without a URI ({@link RedisRateLimiterConfig#builder()})
	 * @return the limiters, to {@link #close()} on shutdown
	 * @throws IllegalArgumentException if {@code config} has a URI (it would not be used)
	 */
	public static RedisRateLimiters on(StatefulRedisConnection<String, String> connection, RedisRateLimiterConfig config) {
		Objects.requireNonNull(connection, "connection");
		return new RedisRateLimiters(lent(config), StandaloneEndpoint.on(connection, config));
	}

	/**
	 * Limiters on the application's Redis Cluster {@code client}: they open a connection of their
	 * own (in the background; the client's topology is loaded first if it was not) and close only
	 * that. See the class description for the client options that make a failover short.
	 *
	 * @param client the application's cluster client
	 * @param config the configuration, without a URI ({@link RedisRateLimiterConfig#builder()})
	 * @return the limiters, to {@link #close()} on shutdown
	 * @throws IllegalArgumentException if {@code config} has a URI (it would not be used)
	 */
	public static RedisRateLimiters on(RedisClusterClient client, RedisRateLimiterConfig config) {
		Objects.requireNonNull(client, "client");
		RedisRateLimiters limiters = new RedisRateLimiters(lent(config), ClusterEndpoint.on(client, config));
		limiters.adviseOn(ClusterEndpoint.slowFailoverAdvice(client.getOptions()));
		return limiters;
	}

	/**
	 * Limiters on the application's Redis Cluster {@code connection}, which they never close.
	 *
	 * @param connection the application's cluster connection, keys and values as strings
	 * @param config     the configuration, without a URI ({@link RedisRateLimiterConfig#builder()})
	 * @return the limiters, to {@link #close()} on shutdown
	 * @throws IllegalArgumentException if {@code config} has a URI (it would not be used)
	 */
	public static RedisRateLimiters on(StatefulRedisClusterConnection<String, String> connection, RedisRateLimiterConfig config) {
		Objects.requireNonNull(connection, "connection");
		RedisRateLimiters limiters = new RedisRateLimiters(lent(config), ClusterEndpoint.on(connection, config));
		limiters.adviseOn(ClusterEndpoint.slowFailoverAdvice(connection.getOptions()));
		return limiters;
	}

	private static RedisRateLimiterConfig lent(RedisRateLimiterConfig config) {
		Objects.requireNonNull(config, "config");
		if (config.redisUri() != null) {
			throw new IllegalArgumentException("config names redisUri " + config.redisDisplay() + ", but these limiters run on "
					+ "the application's client or connection: build the config with RedisRateLimiterConfig.builder()");
		}
		return config;
	}

	private void adviseOn(String advice) {
		if (advice != null) {
			log.warn("Redis rate limiting '{}': {}", config.name(), advice);
		}
	}

	/**
	 * The configuration.
	 *
	 * @return the configuration
	 */
	public RedisRateLimiterConfig config() {
		return config;
	}

	/**
	 * The budget stored under {@code key}: a request is granted when every one of {@code tiers}
	 * grants it, decided in Redis in one round trip.
	 *
	 * @param key   what the budget belongs to (a client, an API key), any string: part of the Redis
	 *              keys, encoded so that no key, however chosen, can split its tiers across Redis
	 *              Cluster slots or share another key's budget
	 * @param tiers one or more tiers with distinct names
	 * @return the limiter, a cheap view of the budget
	 * @throws IllegalArgumentException if there is no tier or two share a name
	 */
	public RedisRateLimiter limiter(String key, List<Tier> tiers) {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(tiers, "tiers");
		if (tiers.isEmpty()) {
			throw new IllegalArgumentException("tiers must not be empty");
		}
		List<Tier> copy = new ArrayList<>(tiers.size());
		Set<String> names = new HashSet<>();
		for (int i = 0; i < tiers.size(); i++) {
			Tier tier = Objects.requireNonNull(tiers.get(i), "tiers[" + i + "]");
			if (!names.add(tier.name())) {
				throw new IllegalArgumentException("tiers must have distinct names, '" + tier.name() + "' is repeated");
			}
			copy.add(tier);
		}
		return new RedisRateLimiter(new Budget(config.keyPrefix(), key, copy), config, scripts, deadlines, availability, fallbacks);
	}

	/**
	 * {@link #limiter(String, List)} with these tiers.
	 *
	 * @param key   what the budget belongs to
	 * @param tiers one or more tiers with distinct names
	 * @return the limiter
	 */
	public RedisRateLimiter limiter(String key, Tier... tiers) {
		Objects.requireNonNull(tiers, "tiers");
		return limiter(key, Arrays.asList(tiers));
	}

	/**
	 * A budget of one tier named {@code bucket}, of rate {@code limit} and depth {@code burst}.
	 *
	 * @param key   what the budget belongs to
	 * @param limit the rate at which tokens come back
	 * @param burst the most tokens that can be taken at once
	 * @return the limiter
	 */
	public RedisRateLimiter limiter(String key, Limit limit, int burst) {
		return limiter(key, List.of(Tier.of("bucket", limit, burst)));
	}

	/**
	 * Whether Redis is answering: {@code false} while the failure policy decides every call.
	 *
	 * @return whether Redis is available
	 */
	public boolean available() {
		return availability.available();
	}

	/**
	 * Whether these limiters are on a Redis Cluster.
	 *
	 * @return whether Redis is a cluster
	 */
	public boolean cluster() {
		return endpoint.cluster();
	}

	/** Completes once connected (a new attempt if the last one failed, as a call would make). */
	CompletableFuture<?> connected() {
		return endpoint.commands();
	}

	int fallbackCount() {
		return fallbacks.size();
	}

	/**
	 * Stops probing and closes what these limiters opened (their connection; their client and its
	 * threads if they made them), waiting a few seconds at most; nothing the application gave.
	 * Limiters used afterwards fail with {@link IllegalStateException}.
	 */
	@Override
	public void close() {
		availability.close();
		endpoint.close();
	}

	@Override
	public String toString() {
		return "RedisRateLimiters[" + config.name() + ", " + endpoint.display() + ", " + (available() ? "available" : "unavailable") + "]";
	}

	/** One log line and one metric per change of availability; the fallback buckets go when Redis is back. */
	private final class Report implements RedisAvailability.Listener {

		@Override
		public void unavailable(Throwable cause) {
			log.warn("Redis rate limiting '{}': Redis at {} is unavailable ({}); {} until it answers again, probing every {}",
					config.name(), endpoint.display(), describe(cause),
					config.failurePolicy() == FailurePolicy.FAIL_OPEN
							? "failing open: each instance limits with its own in-process buckets"
							: "failing closed: every request is refused as unavailable",
					config.retryInterval());
			config.redisMetrics().availabilityChanged(false);
		}

		@Override
		public void available(long downMillis) {
			fallbacks.clear();
			log.info("Redis rate limiting '{}': Redis at {} is available again after {} ms; limiting in Redis",
					config.name(), endpoint.display(), downMillis);
			config.redisMetrics().availabilityChanged(true);
		}

		private String describe(Throwable e) {
			String failures = config.failureThreshold() == 1 ? "" : config.failureThreshold() + " failed calls within "
					+ config.failureWindow() + ", the last: ";
			if (e instanceof TimeoutException) {
				return failures + "no answer within the timeout";
			}
			return failures + e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
		}
	}
}
