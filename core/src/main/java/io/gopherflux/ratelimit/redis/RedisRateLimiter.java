package io.gopherflux.ratelimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.gopherflux.ratelimit.LocalRateLimiter;
import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.MultiLimiter;
import io.gopherflux.ratelimit.RateLimiter;
import io.gopherflux.ratelimit.RateLimiterMetrics;
import io.gopherflux.ratelimit.Reservation;
import io.gopherflux.ratelimit.TokenBucket;
import io.gopherflux.ratelimit.TokenBucketConfig;
import io.lettuce.core.ScriptOutputType;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A budget kept in Redis and shared by every process that names the same key and tiers: the
 * {@link TokenBucket}'s semantics (GCRA: tokens come back at each tier's rate up to its burst;
 * reservations may take tokens ahead of time; cancelling gives back what later reservations do
 * not count on), with Redis as the single place of truth and Redis's own clock as the single
 * clock. Get one from {@link RedisRateLimiters#limiter(String, List)}.
 * <p>
 * <b>One round trip per decision.</b> Every tier is checked and updated by one Lua script, run
 * with EVALSHA (and sent in full with EVAL when Redis has forgotten it): all tiers grant or none
 * is charged. Keys expire when their bucket is full again, so idle budgets cost no memory.
 * <p>
 * <b>Asynchronous, as every {@link RateLimiter}.</b> Asking Redis is I/O, so the one decision,
 * {@link #reserve(int, Duration)}, is a {@link Mono} of one round trip that never blocks, on any
 * thread; {@link #acquire(int, Duration)} is {@link RateLimiter}'s, built on it (one round trip,
 * then a timer for the wait; more permits than the burst fail without asking Redis), and
 * {@code RateLimit.elements} asks it once per element. With
 * {@code maxWait} zero, {@code reserve} is Go's {@code AllowN}, and its {@link TieredReservation}
 * also tells what each tier has left. There is no synchronous method: a caller that may block can
 * {@code block()} the {@code Mono}, which waits at most the configured timeout.
 * <p>
 * Combine tiers with {@link RedisRateLimiters#limiter(String, List)}: they are decided in one round
 * trip. (A {@link MultiLimiter} combines only limiters of this process.)
 * <p>
 * <b>Without Redis</b> (unreachable, failing, or slower than the timeout) the
 * {@link FailurePolicy} of the configuration decides at once; see {@link RedisRateLimiters}.
 * No {@code Mono} of it fails under {@link FailurePolicy#FAIL_OPEN}; under
 * {@link FailurePolicy#FAIL_CLOSED} they fail with {@link RateLimiterUnavailableException}.
 * <p>
 * <b>Time.</b> Redis's clock decides; {@link Reservation#delayNanos()} counts down the wait Redis
 * computed on the configured clock. Timers and deadlines use the configured scheduler.
 */
public final class RedisRateLimiter implements RateLimiter {

	/** Waits longer than {@link RateLimiter#LONGEST_WAIT}, in the scripts' microseconds, are never granted. */
	static final double MAX_WAIT_MICROS = LONGEST_WAIT.toNanos() / 1e3;

	private final RedisRateLimiters redis;
	private final RedisRateLimiterConfig config;
	private final RateLimiterMetrics metrics;
	private final String key;
	/** Most restrictive first, as {@link MultiLimiter} keeps them. */
	private final List<Tier> tiers;
	/** The Redis keys of the tiers that limit (infinite tiers have none). */
	private final String[] keys;
	/** Per limiting tier: interval and tolerance, in µs, as the reserve script reads them. */
	private final String[] tierArgs;
	/** Per limiting tier: interval in µs, as the give-back script reads it. */
	private final String[] intervals;
	/** Per limiting tier: interval and tolerance in µs, to read tokens from TATs. */
	private final double[] intervalMicros;
	private final double[] toleranceMicros;
	private final Limit limit;
	private final int burst;

	RedisRateLimiter(RedisRateLimiters redis, String key, List<Tier> tiers) {
		this.redis = redis;
		this.config = redis.config();
		this.metrics = config.metrics();
		this.key = key;
		List<Tier> sorted = new ArrayList<>(tiers);
		sorted.sort(Comparator.comparing(Tier::limit));
		this.tiers = List.copyOf(sorted);
		List<Tier> limiting = sorted.stream().filter(t -> !t.limit().isInfinite()).toList();
		this.keys = new String[limiting.size()];
		this.tierArgs = new String[2 * limiting.size()];
		this.intervals = new String[limiting.size()];
		this.intervalMicros = new double[limiting.size()];
		this.toleranceMicros = new double[limiting.size()];
		int minBurst = Integer.MAX_VALUE;
		for (int i = 0; i < limiting.size(); i++) {
			Tier tier = limiting.get(i);
			// The hash tag keeps a budget's keys in one slot of a Redis Cluster, as one script needs.
			keys[i] = config.keyPrefix() + "{" + key + "}:" + tier.name();
			double interval = tier.intervalMicros();
			intervalMicros[i] = interval;
			toleranceMicros[i] = interval * tier.burst();
			intervals[i] = Double.toString(interval);
			tierArgs[2 * i] = intervals[i];
			tierArgs[2 * i + 1] = Double.toString(toleranceMicros[i]);
			minBurst = Math.min(minBurst, tier.burst());
		}
		this.limit = this.tiers.get(0).limit();
		this.burst = minBurst;
	}

	/** The key this budget is stored under (before the prefix and tier names), as its name. */
	@Override
	public String name() {
		return key;
	}

	/**
	 * The tiers, most restrictive first.
	 *
	 * @return the tiers
	 */
	public List<Tier> tiers() {
		return tiers;
	}

	/**
	 * The Redis keys of the tiers that limit, most restrictive first.
	 *
	 * @return the keys, with their prefix
	 */
	public List<String> keys() {
		return List.of(keys);
	}

	/** The most restrictive tier's limit. */
	@Override
	public Limit limit() {
		return limit;
	}

	/** The smallest burst of the tiers that limit ({@link Integer#MAX_VALUE} if none does). */
	@Override
	public int burst() {
		return burst;
	}

	@Override
	public Scheduler scheduler() {
		return config.scheduler();
	}

	/**
	 * A {@link Mono} that, on each subscription, reserves {@code permits} tokens in every tier if
	 * the wait for them is at most {@code maxWait}, after one round trip to Redis, and emits the
	 * reservation (not {@link Reservation#ok() ok} if nothing was taken) with the tokens each tier
	 * has left. Waits for Redis at most the configured timeout. While Redis is unavailable the
	 * failure policy answers at once: an in-process bucket's answer ({@link FailurePolicy#FAIL_OPEN}),
	 * or an error, {@link RateLimiterUnavailableException} ({@link FailurePolicy#FAIL_CLOSED}).
	 * Cancelling it while Redis is deciding gives back whatever Redis reserved, once it has. More
	 * permits than the {@link #burst()}, or tiers that are all unlimited, are decided without asking
	 * Redis.
	 * <p>
	 * With {@code maxWait} zero it is Go's {@code AllowN} with more to tell: what a server needs for
	 * {@code Retry-After} (the {@link Reservation#delay() delay} of a refusal) and the
	 * {@code RateLimit} fields ({@link TieredReservation#tokens()}), in the same round trip.
	 *
	 * @throws IllegalArgumentException if {@code permits} is less than 1 or {@code maxWait} negative
	 * @throws NullPointerException     if {@code maxWait} is {@code null}
	 */
	@Override
	public Mono<TieredReservation> reserve(int permits, Duration maxWait) {
		RateLimiter.requirePermits(permits);
		return decide(permits, RateLimiter.requireMaxWaitNanos(maxWait));
	}

	/**
	 * The decision for {@code permits} with a wait of at most {@code maxWaitNanos}: by Redis while
	 * it is available, by the failure policy otherwise or when this call fails.
	 */
	private Mono<TieredReservation> decide(int permits, long maxWaitNanos) {
		return Mono.defer(() -> {
			if (keys.length == 0) {
				metrics.granted(permits);
				return Mono.just(new Granted(this, permits, 0, 0, 0, null, tokens(0, null)));
			}
			if (permits > burst) {
				metrics.denied(permits);
				return Mono.just(new Denied(permits, Long.MAX_VALUE, List.of()));
			}
			if (!redis.available()) {
				return degraded(permits, maxWaitNanos, redis.lastFailure());
			}
			int generation = redis.generation();
			String[] args = new String[2 + tierArgs.length];
			args[0] = Integer.toString(permits);
			args[1] = Double.toString(maxWaitNanos == Long.MAX_VALUE ? MAX_WAIT_MICROS : Math.min(MAX_WAIT_MICROS, maxWaitNanos / 1e3));
			System.arraycopy(tierArgs, 0, args, 2, tierArgs.length);
			CompletableFuture<List<Object>> call = redis.run(GcraScript.RESERVE, ScriptOutputType.MULTI, keys, args);
			Pending pending = new Pending(call);
			return Mono.fromFuture(call, true)
					.timeout(config.timeout(), config.scheduler())
					.map(reply -> pending.deliver(permits, maxWaitNanos, reply))
					.doOnCancel(pending::abandon)
					.onErrorResume(e -> {
						pending.abandon();
						redis.failed(e, generation);
						return degraded(permits, maxWaitNanos, RedisRateLimiters.unwrap(e));
					});
		});
	}

	/** What the failure policy says while Redis cannot. */
	private Mono<TieredReservation> degraded(int permits, long maxWaitNanos, Throwable cause) {
		if (redis.closed()) {
			return Mono.error(new IllegalStateException("RedisRateLimiters '" + config.name() + "' is closed"));
		}
		config.redisMetrics().degraded(permits);
		if (config.failurePolicy() == FailurePolicy.FAIL_CLOSED) {
			return Mono.error(new RateLimiterUnavailableException(key, redis.display(), permits, cause));
		}
		LocalRateLimiter fallback = redis.fallback(this);
		Reservation local = fallback.reserveNow(permits, Duration.ofNanos(maxWaitNanos));
		report(local);
		return Mono.just(new Local(local, localTokens(fallback)));
	}

	/** The tokens of the fallback's buckets, in the order of {@link #tiers()} (a {@link MultiLimiter} sorts them the same way). */
	private static List<Double> localTokens(LocalRateLimiter fallback) {
		List<Double> tokens = new ArrayList<>();
		for (LocalRateLimiter limiter : fallback instanceof MultiLimiter multi ? multi.limiters() : List.of(fallback)) {
			tokens.add(((TokenBucket) limiter).tokens());
		}
		return List.copyOf(tokens);
	}

	/**
	 * The tokens of every tier at {@code nowMicros} given the TATs of the limiting ones ({@code null}:
	 * all full): a bucket is full {@code tolerance} ahead of its TAT, and one token is one interval.
	 */
	private List<Double> tokens(double nowMicros, double[] tats) {
		Double[] tokens = new Double[tiers.size()];
		int limiting = 0;
		for (int i = 0; i < tokens.length; i++) {
			if (tiers.get(i).limit().isInfinite()) {
				tokens[i] = Double.POSITIVE_INFINITY;
			}
			else {
				double ahead = tats == null ? 0 : Math.max(0, tats[limiting] - nowMicros);
				double exact = (toleranceMicros[limiting] - ahead) / intervalMicros[limiting];
				// TATs are doubles of microseconds, and Redis's clock is no finer: a count within one
				// microsecond's worth of tokens of a whole number (2 read as 1.9999999) is that number.
				double whole = Math.rint(exact);
				double oneMicrosecond = Math.min(1e-3, 1 / intervalMicros[limiting]);
				tokens[i] = Math.abs(exact - whole) <= oneMicrosecond ? whole : exact;
				limiting++;
			}
		}
		return List.of(tokens);
	}

	private void report(Reservation r) {
		if (r.ok()) {
			metrics.granted(r.permits());
			metrics.waited(r.delayNanos());
		}
		else {
			metrics.denied(r.permits());
		}
	}

	/** The in-process stand-in for this budget: the same tiers in {@link TokenBucket}s, full. */
	LocalRateLimiter newLocalLimiter() {
		List<TokenBucket> buckets = new ArrayList<>(tiers.size());
		for (Tier tier : tiers) {
			// Decisions are reported by this limiter, once per request rather than once per tier.
			buckets.add(TokenBucket.of(TokenBucketConfig.builder(tier.limit(), tier.burst())
					.name(key + ":" + tier.name())
					.scheduler(config.scheduler())
					.clock(config.clock())
					.build()));
		}
		return buckets.size() == 1 ? buckets.get(0) : MultiLimiter.of(buckets);
	}

	String fallbackKey() {
		return String.join(",", keys);
	}

	/**
	 * Gives a granted reservation's tokens back in Redis; fire and forget, bounded by the timeout.
	 * Tried even while Redis is marked unavailable (a late answer to a timed-out call is given back
	 * this way); if it fails the tokens stay taken, and the budget errs on the side of admitting less.
	 */
	void giveBack(Granted r, boolean evenIfDue) {
		if (redis.closed()) {
			return;
		}
		int generation = redis.generation();
		String[] args = new String[3 + 2 * keys.length];
		args[0] = Double.toString(r.actMicros);
		args[1] = evenIfDue ? "1" : "0";
		args[2] = Integer.toString(r.permits);
		for (int i = 0; i < keys.length; i++) {
			args[3 + 2 * i] = intervals[i];
			args[4 + 2 * i] = r.tats[i];
		}
		CompletableFuture<String> call = redis.run(GcraScript.GIVE_BACK, ScriptOutputType.VALUE, keys, args);
		Mono.fromFuture(call, true)
				.timeout(config.timeout(), config.scheduler())
				.subscribe(tokens -> {
					double returned = Double.parseDouble(tokens);
					if (returned > 0) {
						metrics.returned(returned);
					}
				}, e -> redis.failed(e, generation));
	}

	@Override
	public String toString() {
		return "RedisRateLimiter[" + key + ", " + tiers + "]";
	}

	/**
	 * A script call whose answer is either delivered to the subscriber or, if the subscriber gave
	 * up first (cancelled, or timed out), undone when it arrives: tokens Redis granted to nobody go
	 * back. State: WAITING, then DELIVERED or ABANDONED, whichever comes first.
	 */
	private final class Pending {

		static final int WAITING = 0;
		static final int DELIVERED = 1;
		static final int ABANDONED = 2;

		final CompletableFuture<List<Object>> call;

		volatile int state;
		static final AtomicIntegerFieldUpdater<Pending> STATE = AtomicIntegerFieldUpdater.newUpdater(Pending.class, "state");

		Pending(CompletableFuture<List<Object>> call) {
			this.call = call;
		}

		TieredReservation deliver(int permits, long maxWaitNanos, List<Object> reply) {
			TieredReservation r = parse(permits, maxWaitNanos, reply);
			if (STATE.compareAndSet(this, WAITING, DELIVERED)) {
				report(r);
			}
			// else abandon() has already arranged to give it back
			return r;
		}

		void abandon() {
			if (STATE.compareAndSet(this, WAITING, ABANDONED)) {
				call.thenAccept(reply -> {
					Reservation r = parse(1, 0, reply);
					if (r instanceof Granted g) {
						g.undo();
					}
				});
			}
		}

		private TieredReservation parse(int permits, long maxWaitNanos, List<Object> reply) {
			boolean granted = ((Long) reply.get(0)) == 1L;
			double waitMicros = Double.parseDouble((String) reply.get(1));
			double now = Double.parseDouble((String) reply.get(2));
			String[] tats = new String[keys.length];
			double[] tatMicros = new double[keys.length];
			for (int i = 0; i < tats.length; i++) {
				tats[i] = (String) reply.get(3 + i);
				tatMicros[i] = Double.parseDouble(tats[i]);
			}
			List<Double> tokens = tokens(now, tatMicros);
			if (!granted) {
				long needed = maxWaitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(waitMicros * 1e3);
				return new Denied(permits, needed, tokens);
			}
			long waitNanos = waitMicros <= 0 ? 0 : (long) Math.ceil(waitMicros * 1e3);
			return new Granted(RedisRateLimiter.this, permits, waitNanos, config.clock().nanoTime(),
					now + Math.max(0, waitMicros), tats, tokens);
		}
	}

	/** Tokens taken in Redis, ahead of time or not. */
	static final class Granted implements TieredReservation {

		final RedisRateLimiter limiter;
		final int permits;
		final long waitNanos;
		/** When Redis's answer arrived, on the configured clock: the wait counts down from here. */
		final long receivedAt;
		/** When the holder may act, in the scripts' microseconds on Redis's clock. */
		final double actMicros;
		/** Per limiting tier, the TAT right after this reservation, as Redis wrote it; {@code null} when unlimited. */
		final String[] tats;
		final List<Double> tokens;

		volatile int cancelled;
		static final AtomicIntegerFieldUpdater<Granted> CANCELLED = AtomicIntegerFieldUpdater.newUpdater(Granted.class, "cancelled");

		Granted(RedisRateLimiter limiter, int permits, long waitNanos, long receivedAt, double actMicros, String[] tats,
				List<Double> tokens) {
			this.limiter = limiter;
			this.permits = permits;
			this.waitNanos = waitNanos;
			this.receivedAt = receivedAt;
			this.actMicros = actMicros;
			this.tats = tats;
			this.tokens = tokens;
		}

		@Override
		public List<Double> tokens() {
			return tokens;
		}

		@Override
		public boolean ok() {
			return true;
		}

		@Override
		public int permits() {
			return permits;
		}

		@Override
		public long delayNanos() {
			if (waitNanos == 0) {
				return 0;
			}
			return Math.max(0, waitNanos - (limiter.config.clock().nanoTime() - receivedAt));
		}

		/**
		 * Gives the tokens back in Redis with x/time/rate's rule, without waiting for Redis to
		 * answer; nothing once the time to act has passed on Redis's clock, or while Redis is
		 * unavailable.
		 */
		@Override
		public void cancel() {
			if (tats != null && CANCELLED.compareAndSet(this, 0, 1)) {
				limiter.giveBack(this, false);
			}
		}

		@Override
		public void undo() {
			if (tats != null && CANCELLED.compareAndSet(this, 0, 1)) {
				limiter.giveBack(this, true);
			}
		}

		@Override
		public String toString() {
			return "Reservation[" + limiter.key + ", " + permits + " permit(s), wait " + Duration.ofNanos(waitNanos) + "]";
		}
	}

	/** Nothing taken; {@code neededNanos} is the wait it would have needed ({@link Long#MAX_VALUE}: none would do). */
	record Denied(int permits, long neededNanos, List<Double> tokens) implements TieredReservation {

		@Override
		public boolean ok() {
			return false;
		}

		@Override
		public long delayNanos() {
			return neededNanos;
		}

		@Override
		public void cancel() {
		}
	}

	/** A decision of the in-process fallback, with its buckets' tokens. */
	record Local(Reservation reservation, List<Double> tokens) implements TieredReservation {

		@Override
		public boolean ok() {
			return reservation.ok();
		}

		@Override
		public int permits() {
			return reservation.permits();
		}

		@Override
		public long delayNanos() {
			return reservation.delayNanos();
		}

		@Override
		public void cancel() {
			reservation.cancel();
		}

		@Override
		public void undo() {
			reservation.undo();
		}
	}
}
