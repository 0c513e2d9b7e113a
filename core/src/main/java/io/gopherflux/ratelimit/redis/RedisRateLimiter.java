package io.gopherflux.ratelimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.MultiLimiter;
import io.gopherflux.ratelimit.RateLimiter;
import io.gopherflux.ratelimit.RateLimiterMetrics;
import io.gopherflux.ratelimit.Reservation;
import io.gopherflux.ratelimit.TokenBucket;
import io.lettuce.core.ScriptOutputType;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A budget kept in Redis and shared by every process that names the same key and tiers: the
 * {@link TokenBucket}'s semantics (GCRA: tokens come back at each tier's rate up to its burst;
 * reservations may take tokens ahead of time; cancelling gives back what later reservations do
 * not count on), with Redis as the single place of truth and Redis's own clock as the single
 * clock. Get one from {@link RedisRateLimiters#limiter(String, List)}.
 * <p>
 * <b>One round trip per decision.</b> Every tier is checked and updated by one Lua script, run
 * with EVALSHA (and sent in full with EVAL when Redis has forgotten it): all tiers grant or none
 * is charged. Keys expire when their bucket is full again, so idle budgets cost no memory. On a
 * Redis Cluster all the tiers' keys share one hash tag, whatever the key (see {@link #keys()}), so
 * the script runs on the master of that slot, in one round trip, on that master's clock.
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
 * {@link FailurePolicy} of the configuration decides: each call that fails, and every call at once
 * while Redis counts as unavailable; see {@link RedisRateLimiters}.
 * No {@code Mono} of it fails under {@link FailurePolicy#FAIL_OPEN}; under
 * {@link FailurePolicy#FAIL_CLOSED} they fail with {@link RateLimiterUnavailableException}.
 * <p>
 * <b>Time.</b> Redis's clock decides; {@link Reservation#delayNanos()} counts down the wait Redis
 * computed on the configured clock. Timers and deadlines use the configured scheduler.
 */
public final class RedisRateLimiter implements RateLimiter {

	private static final Logger LOG = Loggers.getLogger(RedisRateLimiter.class);

	private final Budget budget;
	private final RedisRateLimiterConfig config;
	private final RateLimiterMetrics metrics;
	private final ScriptRunner scripts;
	private final CallDeadlines deadlines;
	private final RedisAvailability availability;
	private final FallbackBuckets fallbacks;

	RedisRateLimiter(Budget budget, RedisRateLimiterConfig config, ScriptRunner scripts, CallDeadlines deadlines,
			RedisAvailability availability, FallbackBuckets fallbacks) {
		this.budget = budget;
		this.config = config;
		this.metrics = config.metrics();
		this.scripts = scripts;
		this.deadlines = deadlines;
		this.availability = availability;
		this.fallbacks = fallbacks;
	}

	/** The key this budget is stored under (before the prefix and tier names), as its name. */
	@Override
	public String name() {
		return budget.key;
	}

	/**
	 * The tiers, most restrictive first.
	 *
	 * @return the tiers
	 */
	public List<Tier> tiers() {
		return budget.tiers;
	}

	/**
	 * The Redis keys of the tiers that limit, most restrictive first: all in one Redis Cluster slot.
	 *
	 * @return the keys, with their prefix
	 */
	public List<String> keys() {
		return List.of(budget.keys);
	}

	/** The most restrictive tier's limit. */
	@Override
	public Limit limit() {
		return budget.limit;
	}

	/** The smallest burst of the tiers that limit ({@link Integer#MAX_VALUE} if none does). */
	@Override
	public int burst() {
		return budget.burst;
	}

	@Override
	public Scheduler scheduler() {
		return config.scheduler();
	}

	/**
	 * A {@link Mono} that, on each subscription, reserves {@code permits} tokens in every tier if
	 * the wait for them is at most {@code maxWait}, after one round trip to Redis, and emits the
	 * reservation (not {@link Reservation#ok() ok} if nothing was taken) with the tokens each tier
	 * has left. Waits for Redis at most the configured timeout. While Redis is unavailable, and for
	 * a call that fails, the failure policy answers at once: an in-process bucket's answer
	 * ({@link FailurePolicy#FAIL_OPEN}), or an error, {@link RateLimiterUnavailableException}
	 * ({@link FailurePolicy#FAIL_CLOSED}). Cancelling it while Redis is deciding gives back whatever
	 * Redis reserved, once it has. More permits than the {@link #burst()}, or tiers that are all
	 * unlimited, are decided without asking Redis.
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
			if (budget.keys.length == 0) {
				metrics.granted(permits);
				return Mono.just(new Granted(this, permits, 0, 0, 0, 0, null, budget.tokens(0, null)));
			}
			if (permits > budget.burst) {
				metrics.denied(permits);
				return Mono.just(new Denied(permits, Long.MAX_VALUE, List.of()));
			}
			if (!availability.available()) {
				return degraded(permits, maxWaitNanos, availability.lastFailure());
			}
			int generation = availability.generation();
			CompletableFuture<List<Object>> call = scripts.run(GcraScript.RESERVE, ScriptOutputType.MULTI, budget.keys,
					budget.reserveArgs(permits, maxWaitNanos));
			Pending pending = new Pending(call, permits);
			// Bounded by the timeout without a timer per call; cancelling the bound leaves the call to Pending.
			return Mono.fromFuture(deadlines.bound(call))
					.map(reply -> pending.deliver(permits, maxWaitNanos, reply))
					.doOnCancel(pending::abandon)
					.onErrorResume(e -> {
						pending.abandon();
						Throwable failure = FailureKind.unwrap(e);
						failed(failure, generation);
						return degraded(permits, maxWaitNanos, failure);
					});
		});
	}

	/** A call failed: an outage counts towards Redis's unavailability; an error of this call alone does not. */
	private void failed(Throwable failure, int generation) {
		if (FailureKind.of(failure) == FailureKind.OUTAGE) {
			availability.failed(failure, generation);
		}
		else {
			LOG.debug("Redis rate limiting '{}': a call for budget '{}' failed on its own ({}); the failure policy decides it",
					config.name(), budget.key, failure.toString());
		}
	}

	/** What the failure policy says while Redis cannot. */
	private Mono<TieredReservation> degraded(int permits, long maxWaitNanos, Throwable cause) {
		if (availability.closed() || scripts.closed()) {
			return Mono.error(new IllegalStateException("RedisRateLimiters '" + config.name() + "' is closed"));
		}
		config.redisMetrics().degraded(permits);
		if (config.failurePolicy() == FailurePolicy.FAIL_CLOSED) {
			return Mono.error(new RateLimiterUnavailableException(budget.key, scripts.display(), permits, cause));
		}
		FallbackBuckets.Local local = fallbacks.reserve(budget, permits, Duration.ofNanos(maxWaitNanos));
		report(local);
		return Mono.just(local);
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

	/**
	 * Gives a granted reservation's tokens back in Redis; fire and forget, bounded by the timeout.
	 * Tried even while Redis is marked unavailable (a late answer to a timed-out call is given back
	 * this way); if it fails the tokens stay taken, and the budget errs on the side of admitting less.
	 */
	void giveBack(Granted r, boolean evenIfDue) {
		if (scripts.closed()) {
			return;
		}
		int generation = availability.generation();
		CompletableFuture<String> call = scripts.run(GcraScript.GIVE_BACK, ScriptOutputType.VALUE, budget.keys,
				budget.giveBackArgs(r.actMicros, evenIfDue, r.permits, r.tats));
		Mono.fromFuture(call, true)
				.timeout(config.timeout(), config.scheduler())
				.subscribe(tokens -> {
					double returned = Double.parseDouble(tokens);
					if (returned > 0) {
						metrics.returned(returned);
					}
				}, e -> failed(FailureKind.unwrap(e), generation));
	}

	@Override
	public String toString() {
		return "RedisRateLimiter[" + budget.key + ", " + budget.tiers + "]";
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
		final int permits;

		volatile int state;
		static final AtomicIntegerFieldUpdater<Pending> STATE = AtomicIntegerFieldUpdater.newUpdater(Pending.class, "state");

		Pending(CompletableFuture<List<Object>> call, int permits) {
			this.call = call;
			this.permits = permits;
		}

		TieredReservation deliver(int permits, long maxWaitNanos, List<Object> reply) {
			TieredReservation r = decision(permits, maxWaitNanos, budget.parse(reply, permits));
			if (STATE.compareAndSet(this, WAITING, DELIVERED)) {
				report(r);
			}
			// else abandon() has already arranged to give it back
			return r;
		}

		void abandon() {
			if (STATE.compareAndSet(this, WAITING, ABANDONED)) {
				call.thenAccept(reply -> {
					// All the permits it took go back, not one.
					if (decision(permits, 0, budget.parse(reply, permits)) instanceof Granted g) {
						g.undo();
					}
				});
			}
		}

		private TieredReservation decision(int permits, long maxWaitNanos, Budget.Reply reply) {
			if (!reply.granted()) {
				long needed = maxWaitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(reply.waitMicros() * 1e3);
				return new Denied(permits, needed, reply.tokens());
			}
			long waitNanos = reply.waitMicros() <= 0 ? 0 : (long) Math.ceil(reply.waitMicros() * 1e3);
			return new Granted(RedisRateLimiter.this, permits, waitNanos, config.clock().nanoTime(), reply.nowMicros(),
					reply.nowMicros() + Math.max(0, reply.waitMicros()), reply.tats(), reply.tokens());
		}
	}

	/** Tokens taken in Redis, ahead of time or not. */
	static final class Granted implements TieredReservation {

		final RedisRateLimiter limiter;
		final int permits;
		final long waitNanos;
		/** When Redis's answer arrived, on the configured clock: the wait counts down from here. */
		final long receivedAt;
		/** When Redis decided, in the scripts' microseconds on its clock (the clock of the master owning the keys). */
		final double redisNowMicros;
		/** When the holder may act, in the scripts' microseconds on Redis's clock. */
		final double actMicros;
		/** Per limiting tier, the TAT right after this reservation, as Redis wrote it; {@code null} when unlimited. */
		final String[] tats;
		final List<Double> tokens;

		volatile int cancelled;
		static final AtomicIntegerFieldUpdater<Granted> CANCELLED = AtomicIntegerFieldUpdater.newUpdater(Granted.class, "cancelled");

		Granted(RedisRateLimiter limiter, int permits, long waitNanos, long receivedAt, double redisNowMicros, double actMicros,
				String[] tats, List<Double> tokens) {
			this.limiter = limiter;
			this.permits = permits;
			this.waitNanos = waitNanos;
			this.receivedAt = receivedAt;
			this.redisNowMicros = redisNowMicros;
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
			return "Reservation[" + limiter.budget.key + ", " + permits + " permit(s), wait " + Duration.ofNanos(waitNanos) + "]";
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
}
