package io.gopherflux.ratelimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.LocalRateLimiter;
import io.gopherflux.ratelimit.MultiLimiter;
import io.gopherflux.ratelimit.TokenBucket;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The Redis side shared by {@link RedisRateLimiter}s: one connection, the scripts, Redis's
 * availability and the failure policy. Create one per application (per Redis), hand out a
 * limiter per budget with {@link #limiter(String, List)}, and {@link #close()} it on shutdown.
 * <pre>{@code
 * RedisRateLimiters redis = RedisRateLimiters.create(RedisRateLimiterConfig.of("redis://localhost:6379"));
 * RedisRateLimiter client = redis.limiter("client-42",
 *         Tier.of("per-second", Limit.of(10), 10), Tier.of("per-minute", Limit.per(100, Duration.ofMinutes(1)), 100));
 * client.reserve(1, Duration.ZERO).subscribe(reservation -> ... reservation.ok() ...);
 * }</pre>
 * <p>
 * Limiters are cheap views (a key and its tiers): making one per request is fine, and every
 * limiter on the same key and tiers, in this process or any other, draws on the same budget.
 * <p>
 * <b>Availability.</b> Creating connects in the background and does not wait: a Redis that is
 * down at startup is handled like one that goes down later. Every call has the configured
 * {@linkplain RedisRateLimiterConfig#timeout() timeout}; the first call that fails or times out
 * marks Redis unavailable, logs one warning and reports it to
 * {@link RedisLimiterMetrics#availabilityChanged(boolean)}. From then on requests do not wait for
 * Redis at all: the {@link FailurePolicy} decides them at once, while a probe (a {@code PING}, or
 * a new connection if there never was one) runs every
 * {@linkplain RedisRateLimiterConfig#retryInterval() retry interval} on the configured scheduler.
 * The first probe that succeeds marks Redis available again (one info line, one metric), and the
 * next request goes back to Redis: no restart of anything. Lettuce reconnects the connection
 * itself meanwhile; commands are rejected while it is disconnected instead of queueing.
 * <p>
 * Under {@link FailurePolicy#FAIL_OPEN} each budget falls back to an in-process bucket with its
 * tiers, created when first needed, dropped by the probe once full again (idle), and all dropped
 * when Redis is back: memory stays bounded by the clients active during the outage.
 */
public final class RedisRateLimiters implements AutoCloseable {

	/** Commands waiting to be written when Redis is slow: beyond this, calls fail (and the policy decides) instead of queueing. */
	static final int REQUEST_QUEUE_SIZE = 65_536;

	/** How many timeouts a late answer may take and still be seen (and given back) rather than dropped by Lettuce. */
	static final int LATE_ANSWER_FACTOR = 10;

	private static final int UNAVAILABLE = 0;
	private static final int AVAILABLE = 1;

	private final RedisRateLimiterConfig config;
	/** Per instance, so that one made under a test's capturing logger factory logs there. */
	private final Logger log = Loggers.getLogger(RedisRateLimiters.class);
	private final RedisURI uri;
	private final String display;
	private final ClientResources resources;
	private final RedisClient client;
	private final ConcurrentHashMap<String, LocalRateLimiter> fallbacks = new ConcurrentHashMap<>();

	volatile CompletableFuture<StatefulRedisConnection<String, String>> connection;
	@SuppressWarnings("rawtypes")
	static final AtomicReferenceFieldUpdater<RedisRateLimiters, CompletableFuture> CONNECTION =
			AtomicReferenceFieldUpdater.newUpdater(RedisRateLimiters.class, CompletableFuture.class, "connection");

	/** {@link #AVAILABLE} or {@link #UNAVAILABLE}; starts available, so that startup is not reported as a failure. */
	volatile int state = AVAILABLE;
	static final AtomicIntegerFieldUpdater<RedisRateLimiters> STATE =
			AtomicIntegerFieldUpdater.newUpdater(RedisRateLimiters.class, "state");

	/** Bumped at each recovery: a failure of a call made before it says nothing about Redis now. */
	volatile int generation;
	static final AtomicIntegerFieldUpdater<RedisRateLimiters> GENERATION =
			AtomicIntegerFieldUpdater.newUpdater(RedisRateLimiters.class, "generation");

	volatile Throwable lastFailure;
	volatile long unavailableSinceMillis;
	volatile Disposable probe;
	volatile boolean closed;

	private RedisRateLimiters(RedisRateLimiterConfig config) {
		this.config = config;
		this.uri = config.redisURI();
		this.uri.setTimeout(config.timeout());
		this.display = uri.toString();
		// Reconnect soon after Redis is back, not after Lettuce's default backoff of up to 30 s.
		this.resources = DefaultClientResources.builder()
				.reconnectDelay(Delay.exponential(Duration.ofMillis(10), config.retryInterval(), 2, TimeUnit.MILLISECONDS))
				.build();
		this.client = RedisClient.create(resources);
		client.setOptions(ClientOptions.builder()
				.autoReconnect(true)
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.requestQueueSize(REQUEST_QUEUE_SIZE)
				// Lettuce drops a command's answer once its own timeout fires. Ours fires first, and an
				// answer arriving later than ours (a reservation nobody will use) is still seen and given back.
				.timeoutOptions(TimeoutOptions.enabled(config.timeout().multipliedBy(LATE_ANSWER_FACTOR)))
				.socketOptions(SocketOptions.builder().connectTimeout(config.timeout()).build())
				.build());
		this.connection = connect();
	}

	/**
	 * Limiters on the Redis that {@code config} names. Returns at once: the connection is made in
	 * the background.
	 *
	 * @param config the configuration
	 * @return the limiters, to {@link #close()} on shutdown
	 */
	public static RedisRateLimiters create(RedisRateLimiterConfig config) {
		return new RedisRateLimiters(Objects.requireNonNull(config, "config"));
	}

	/**
	 * Limiters on the Redis at {@code redisUri}, every other setting at its default.
	 *
	 * @param redisUri where Redis is, in Lettuce's URI syntax
	 * @return the limiters, to {@link #close()} on shutdown
	 * @throws IllegalArgumentException if {@code redisUri} is not a Redis URI
	 */
	public static RedisRateLimiters create(String redisUri) {
		return create(RedisRateLimiterConfig.of(redisUri));
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
	 * @param key   what the budget belongs to (a client, an API key); part of the Redis keys
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
		return new RedisRateLimiter(this, key, copy);
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
	 * Whether Redis is answering: {@code false} while the failure policy decides.
	 *
	 * @return whether Redis is available
	 */
	public boolean available() {
		return state == AVAILABLE;
	}

	/** Redis's URI without its password. */
	String display() {
		return display;
	}

	int generation() {
		return generation;
	}

	Throwable lastFailure() {
		return lastFailure;
	}

	/**
	 * Runs {@code script} with EVALSHA and, if Redis does not know it (a restart, a
	 * {@code SCRIPT FLUSH}), with EVAL, which also stores it for the next EVALSHA. The future is
	 * never cancelled by its callers: a reservation that answers after its caller gave up is still
	 * seen, and given back.
	 */
	<T> CompletableFuture<T> run(GcraScript script, ScriptOutputType type, String[] keys, String[] args) {
		if (closed) {
			return CompletableFuture.failedFuture(new IllegalStateException("RedisRateLimiters '" + config.name() + "' is closed"));
		}
		long start = config.clock().nanoTime();
		CompletableFuture<T> call = connection.thenCompose(c -> this.<T>evalsha(c.async(), script, type, keys, args));
		call.thenRun(() -> config.redisMetrics().roundTrip(config.clock().nanoTime() - start));
		return call;
	}

	private <T> CompletionStage<T> evalsha(RedisAsyncCommands<String, String> redis, GcraScript script, ScriptOutputType type,
			String[] keys, String[] args) {
		return redis.<T>evalsha(script.sha1, type, keys, args).exceptionallyCompose(e -> {
			if (unwrap(e) instanceof RedisNoScriptException) {
				config.redisMetrics().scriptReloaded();
				return redis.eval(script.text, type, keys, args);
			}
			return CompletableFuture.failedStage(e);
		});
	}

	/**
	 * A call made in {@code generationAtStart} failed: the first such failure while Redis is
	 * available marks it unavailable, logs once and starts probing.
	 */
	void failed(Throwable cause, int generationAtStart) {
		Throwable failure = unwrap(cause);
		lastFailure = failure;
		if (generationAtStart == generation && !closed && STATE.compareAndSet(this, AVAILABLE, UNAVAILABLE)) {
			unavailableSinceMillis = config.scheduler().now(TimeUnit.MILLISECONDS);
			log.warn("Redis rate limiting '{}': Redis at {} is unavailable ({}); {} until it answers again, probing every {}",
					config.name(), display, describe(failure),
					config.failurePolicy() == FailurePolicy.FAIL_OPEN
							? "failing open: each instance limits with its own in-process buckets"
							: "failing closed: every request is refused as unavailable",
					config.retryInterval());
			config.redisMetrics().availabilityChanged(false);
			scheduleProbe();
		}
	}

	private void scheduleProbe() {
		if (closed) {
			return;
		}
		probe = Mono.delay(config.retryInterval(), config.scheduler())
				.then(Mono.defer(this::ping))
				.subscribe(pong -> recovered(), e -> {
					lastFailure = unwrap(e);
					scheduleProbe();
				});
	}

	private Mono<String> ping() {
		fallbacks.values().removeIf(RedisRateLimiters::full);
		CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
		if (current.isCompletedExceptionally()) {
			// Never connected (Lettuce reconnects only a connection it once had): try anew.
			CompletableFuture<StatefulRedisConnection<String, String>> fresh = connect();
			if (!CONNECTION.compareAndSet(this, current, fresh)) {
				fresh.thenAccept(StatefulRedisConnection::close);
			}
		}
		return Mono.fromFuture(connection.thenCompose(c -> c.async().ping()), true)
				.timeout(config.timeout(), config.scheduler());
	}

	private void recovered() {
		GENERATION.incrementAndGet(this);
		if (STATE.compareAndSet(this, UNAVAILABLE, AVAILABLE)) {
			long down = config.scheduler().now(TimeUnit.MILLISECONDS) - unavailableSinceMillis;
			fallbacks.clear();
			log.info("Redis rate limiting '{}': Redis at {} is available again after {} ms; limiting in Redis",
					config.name(), display, down);
			config.redisMetrics().availabilityChanged(true);
		}
	}

	/** The in-process limiter standing in for {@code limiter}'s budget while Redis is unavailable. */
	LocalRateLimiter fallback(RedisRateLimiter limiter) {
		return fallbacks.computeIfAbsent(limiter.fallbackKey(), k -> limiter.newLocalLimiter());
	}

	int fallbackCount() {
		return fallbacks.size();
	}

	/** A fallback whose buckets are all full is idle and can go: a new one would start full too. */
	private static boolean full(LocalRateLimiter limiter) {
		if (limiter instanceof TokenBucket bucket) {
			return bucket.tokens() >= bucket.burst();
		}
		if (limiter instanceof MultiLimiter multi) {
			return multi.limiters().stream().allMatch(RedisRateLimiters::full);
		}
		return false;
	}

	@SuppressWarnings("unchecked")
	private CompletableFuture<StatefulRedisConnection<String, String>> connect() {
		return (CompletableFuture<StatefulRedisConnection<String, String>>) (CompletableFuture<?>) client
				.connectAsync(StringCodec.UTF8, uri)
				.toCompletableFuture();
	}

	/**
	 * Closes the connection and the client's threads; waits up to a few seconds. Limiters used
	 * afterwards fail with {@link IllegalStateException}.
	 */
	@Override
	public void close() {
		closed = true;
		Disposable p = probe;
		if (p != null) {
			p.dispose();
		}
		// A connection still being made when the client shuts down can stall Lettuce's own
		// blocking shutdown forever: let it finish (or fail) first, then shut down with bounds.
		await(connection.handle((c, e) -> {
			if (c != null) {
				c.close();
			}
			return null;
		}), "the connection did not settle");
		await(client.shutdownAsync(0, 2, TimeUnit.SECONDS), "the client did not stop");
		await(resources.shutdown(0, 2, TimeUnit.SECONDS), "the client threads did not stop");
	}

	private void await(Future<?> step, String whenLate) {
		try {
			step.get(3, TimeUnit.SECONDS);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException e) {
			log.debug("Redis rate limiting '{}' closing: {} in time", config.name(), whenLate, e);
		}
	}

	boolean closed() {
		return closed;
	}

	static Throwable unwrap(Throwable e) {
		while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
			e = e.getCause();
		}
		return e;
	}

	private static String describe(Throwable e) {
		if (e instanceof TimeoutException) {
			return "no answer within the timeout";
		}
		return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
	}

	@Override
	public String toString() {
		return "RedisRateLimiters[" + config.name() + ", " + display + ", " + (available() ? "available" : "unavailable") + "]";
	}
}
