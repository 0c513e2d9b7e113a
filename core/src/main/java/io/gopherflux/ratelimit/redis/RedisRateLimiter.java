package io.gopherflux.ratelimit.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.gopherflux.context.Deadline;
import io.gopherflux.ratelimit.BurstExceededException;
import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.MultiLimiter;
import io.gopherflux.ratelimit.PermitsDeniedException;
import io.gopherflux.ratelimit.RateLimiter;
import io.gopherflux.ratelimit.RateLimiterMetrics;
import io.gopherflux.ratelimit.Reservation;
import io.gopherflux.ratelimit.TokenBucket;
import io.gopherflux.ratelimit.TokenBucketConfig;
import io.gopherflux.ratelimit.WaitPastDeadlineException;
import io.lettuce.core.ScriptOutputType;
import io.netty.util.concurrent.FastThreadLocalThread;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

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
 * <b>Reactive first.</b> Asking Redis is I/O, so the primary methods return a {@link Mono} and
 * never block: {@link #tryAcquireAsync(int)}, {@link #reserveAsync(int, Duration)}, and
 * {@link #acquire(int, Duration)} (one round trip, then a timer for the wait). The synchronous
 * methods of {@link RateLimiter} are kept honest rather than fast:
 * <ul>
 * <li>{@link #tryAcquire(int)} waits for Redis's answer, at most the configured timeout (then the
 * failure policy answers), on a thread that may block. On a Reactor non-blocking thread (for
 * example an event loop) it does not wait: it answers {@code false} without asking Redis, which
 * the contract allows (nothing is taken), and logs a warning once. This keeps
 * {@code RateLimit.elements}, which tries {@code tryAcquire} first and then falls back to
 * {@code acquire}, correct on any thread, at the cost of one round trip per element.</li>
 * <li>{@link #reserve(int, Duration)} waits the same way; on a non-blocking thread it throws
 * {@link IllegalStateException}, as {@code Mono.block()} would, since no answer is honest there.</li>
 * </ul>
 * Non-blocking threads are Reactor's ({@code Schedulers.isInNonBlockingThread()}: parallel,
 * single, Reactor Netty's event loops) and Netty's own threads, Lettuce's among them: waiting for
 * Redis on the thread that must read its answer could only end in the timeout.
 * <p>
 * Combine tiers with {@link RedisRateLimiters#limiter(String, List)} rather than a
 * {@link MultiLimiter}: the tiers are then decided in one round trip, and a {@code MultiLimiter}
 * calls the synchronous {@link #reserve(int, Duration)} of each of its limiters.
 * <p>
 * <b>Without Redis</b> (unreachable, failing, or slower than the timeout) the
 * {@link FailurePolicy} of the configuration decides at once; see {@link RedisRateLimiters}.
 * Nothing is thrown by the reactive methods under {@link FailurePolicy#FAIL_OPEN}; under
 * {@link FailurePolicy#FAIL_CLOSED} they fail with {@link RateLimiterUnavailableException}.
 * <p>
 * <b>Time.</b> Redis's clock decides; {@link Reservation#delayNanos()} counts down the wait Redis
 * computed on the configured clock. Timers and deadlines use the configured scheduler.
 */
public final class RedisRateLimiter implements RateLimiter {

	/** Waits longer than this (about 4.5 years, as {@link TokenBucket}'s) are never granted. */
	static final double MAX_WAIT_MICROS = 1.44e14;

	private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

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

	/** The tiers, most restrictive first. */
	public List<Tier> tiers() {
		return tiers;
	}

	/** The Redis keys of the tiers that limit, most restrictive first. */
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
	 * A {@link Mono} that, on each subscription, takes {@code permits} tokens from every tier if
	 * all have them now, and emits whether it did ({@code false}: nothing was taken), after one
	 * round trip to Redis. Never waits for tokens, and waits for Redis at most the configured
	 * timeout. While Redis is unavailable the failure policy answers at once: an in-process
	 * bucket's answer ({@link FailurePolicy#FAIL_OPEN}), or an error,
	 * {@link RateLimiterUnavailableException} ({@link FailurePolicy#FAIL_CLOSED}). Cancelling it
	 * while Redis is deciding gives back whatever Redis granted.
	 *
	 * @throws IllegalArgumentException if {@code permits} is less than 1
	 */
	public Mono<Boolean> tryAcquireAsync(int permits) {
		checkPermits(permits);
		return decide(permits, 0, false).map(Reservation::ok);
	}

	/** {@code tryAcquireAsync(1)}. */
	public Mono<Boolean> tryAcquireAsync() {
		return tryAcquireAsync(1);
	}

	/**
	 * A {@link Mono} that, on each subscription, reserves {@code permits} tokens if the wait for
	 * them is at most {@code maxWait}, and emits the reservation (not {@link Reservation#ok() ok}
	 * if nothing was taken), with the tokens each tier has left. Redis and failures are handled as
	 * in {@link #tryAcquireAsync(int)}. Cancelling it while Redis is deciding gives back whatever
	 * Redis reserved.
	 * <p>
	 * With {@code maxWait} zero it is {@link #tryAcquireAsync(int)} with more to tell: what a server
	 * needs for {@code Retry-After} (the {@link Reservation#delay() delay} of a refusal) and the
	 * {@code RateLimit} fields ({@link TieredReservation#tokens()}), in the same round trip.
	 *
	 * @throws IllegalArgumentException if {@code permits} is less than 1 or {@code maxWait} negative
	 */
	public Mono<TieredReservation> reserveAsync(int permits, Duration maxWait) {
		checkPermits(permits);
		long maxWaitNanos = checkMaxWait(maxWait);
		return decide(permits, maxWaitNanos, true);
	}

	/**
	 * Waits for Redis's answer to {@link #tryAcquireAsync(int)}, at most the configured timeout.
	 * On a thread that must not block (Reactor's non-blocking threads, Netty's) it does not wait:
	 * it answers {@code false} without asking (nothing is taken; a warning is logged once). Under {@link FailurePolicy#FAIL_CLOSED} it
	 * throws {@link RateLimiterUnavailableException} while Redis is unavailable.
	 *
	 * @throws IllegalArgumentException if {@code permits} is less than 1
	 */
	@Override
	public boolean tryAcquire(int permits) {
		checkPermits(permits);
		if (mustNotBlock()) {
			redis.warnBlocking("tryAcquire");
			return false;
		}
		return Boolean.TRUE.equals(tryAcquireAsync(permits).block());
	}

	/**
	 * Waits for Redis's answer to {@link #reserveAsync(int, Duration)}, at most the configured
	 * timeout. Under {@link FailurePolicy#FAIL_CLOSED} it throws
	 * {@link RateLimiterUnavailableException} while Redis is unavailable.
	 *
	 * @throws IllegalArgumentException if {@code permits} is less than 1 or {@code maxWait} negative
	 * @throws IllegalStateException    on a thread that must not block (Reactor's non-blocking
	 *                                  threads, Netty's): use {@link #reserveAsync(int, Duration)} there
	 */
	@Override
	public Reservation reserve(int permits, Duration maxWait) {
		checkPermits(permits);
		checkMaxWait(maxWait);
		if (mustNotBlock()) {
			throw new IllegalStateException("reserve would block non-blocking thread " + Thread.currentThread().getName()
					+ " waiting for Redis; use reserveAsync there");
		}
		return reserveAsync(permits, maxWait).block();
	}

	/**
	 * As {@link RateLimiter#acquire(int)}: one round trip to reserve, then a timer of
	 * {@link #scheduler()} for the wait; never blocks a thread.
	 */
	@Override
	public Mono<Void> acquire(int permits) {
		return acquire(permits, FOREVER);
	}

	/**
	 * As {@link RateLimiter#acquire(int, Duration)}: fails at once, without asking Redis, with
	 * {@link BurstExceededException} if {@code permits} exceeds {@link #burst()}; after one round
	 * trip with {@link WaitPastDeadlineException} if the wait would be longer than
	 * {@code maxWait} or would pass the deadline in the subscriber's {@code Context}; otherwise
	 * completes when the permits are granted. Cancelling it gives the tokens back (while Redis is
	 * deciding, as soon as it has decided). Under {@link FailurePolicy#FAIL_CLOSED} it fails with
	 * {@link RateLimiterUnavailableException} while Redis is unavailable.
	 */
	@Override
	public Mono<Void> acquire(int permits, Duration maxWait) {
		checkPermits(permits);
		long maxWaitNanos = checkMaxWait(maxWait);
		return Mono.deferContextual(ctx -> {
			if (permits > burst) {
				return Mono.error(new BurstExceededException(key, permits, burst));
			}
			long allowed = maxWaitNanos;
			Optional<Instant> deadline = Deadline.of(ctx);
			if (deadline.isPresent()) {
				Instant now = Deadline.now(config.scheduler());
				allowed = Math.min(allowed, Math.max(0, saturatedNanos(Duration.between(now, deadline.get()))));
			}
			long allowedNanos = allowed;
			return decide(permits, allowedNanos, true).flatMap(reservation -> {
				if (!reservation.ok()) {
					if (reservation.delayNanos() == Long.MAX_VALUE) {
						return Mono.error(new PermitsDeniedException(key, permits));
					}
					return Mono.error(new WaitPastDeadlineException(key, permits, reservation.delayNanos(), allowedNanos));
				}
				long delay = reservation.delayNanos();
				if (delay == 0) {
					return Mono.empty();
				}
				return Mono.delay(Duration.ofNanos(delay), config.scheduler())
						.then()
						.doOnCancel(reservation::cancel);
			});
		});
	}

	/**
	 * The decision for {@code permits} with a wait of at most {@code maxWaitNanos}: by Redis while
	 * it is available, by the failure policy otherwise or when this call fails.
	 */
	private Mono<TieredReservation> decide(int permits, long maxWaitNanos, boolean reportWait) {
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
				return degraded(permits, maxWaitNanos, redis.lastFailure(), reportWait);
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
					.map(reply -> pending.deliver(permits, maxWaitNanos, reportWait, reply))
					.doOnCancel(pending::abandon)
					.onErrorResume(e -> {
						pending.abandon();
						redis.failed(e, generation);
						return degraded(permits, maxWaitNanos, RedisRateLimiters.unwrap(e), reportWait);
					});
		});
	}

	/** What the failure policy says while Redis cannot. */
	private Mono<TieredReservation> degraded(int permits, long maxWaitNanos, Throwable cause, boolean reportWait) {
		if (redis.closed()) {
			return Mono.error(new IllegalStateException("RedisRateLimiters '" + config.name() + "' is closed"));
		}
		config.redisMetrics().degraded(permits);
		if (config.failurePolicy() == FailurePolicy.FAIL_CLOSED) {
			return Mono.error(new RateLimiterUnavailableException(key, redis.display(), permits, cause));
		}
		RateLimiter fallback = redis.fallback(this);
		Reservation local = fallback.reserve(permits, Duration.ofNanos(maxWaitNanos));
		report(local, reportWait);
		return Mono.just(new Local(local, localTokens(fallback)));
	}

	/** The tokens of the fallback's buckets, in the order of {@link #tiers()} (a {@link MultiLimiter} sorts them the same way). */
	private static List<Double> localTokens(RateLimiter fallback) {
		List<Double> tokens = new ArrayList<>();
		for (RateLimiter limiter : fallback instanceof MultiLimiter multi ? multi.limiters() : List.of(fallback)) {
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

	private void report(Reservation r, boolean reportWait) {
		if (r.ok()) {
			metrics.granted(r.permits());
			if (reportWait) {
				metrics.waited(r.delayNanos());
			}
		}
		else {
			metrics.denied(r.permits());
		}
	}

	/** The in-process stand-in for this budget: the same tiers in {@link TokenBucket}s, full. */
	RateLimiter newLocalLimiter() {
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

	/** Reactor's non-blocking threads, and Netty's: an event loop (Lettuce's too) must not wait for I/O. */
	private static boolean mustNotBlock() {
		return Schedulers.isInNonBlockingThread() || Thread.currentThread() instanceof FastThreadLocalThread;
	}

	static void checkPermits(int permits) {
		if (permits < 1) {
			throw new IllegalArgumentException("permits must be at least 1, was " + permits);
		}
	}

	static long checkMaxWait(Duration maxWait) {
		Objects.requireNonNull(maxWait, "maxWait");
		if (maxWait.isNegative()) {
			throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
		}
		return saturatedNanos(maxWait);
	}

	private static long saturatedNanos(Duration d) {
		try {
			return d.toNanos();
		}
		catch (ArithmeticException overflow) {
			return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
		}
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

		TieredReservation deliver(int permits, long maxWaitNanos, boolean reportWait, List<Object> reply) {
			TieredReservation r = parse(permits, maxWaitNanos, reply);
			if (STATE.compareAndSet(this, WAITING, DELIVERED)) {
				report(r, reportWait);
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

		void undo() {
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
	}
}
