package io.gopherflux.ratelimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.gopherflux.ratelimit.LocalRateLimiter;
import io.gopherflux.ratelimit.MultiLimiter;
import io.gopherflux.ratelimit.NanoClock;
import io.gopherflux.ratelimit.Reservation;
import io.gopherflux.ratelimit.TokenBucket;
import reactor.core.scheduler.Scheduler;

/**
 * The in-process buckets that stand in for budgets while Redis is unavailable under
 * {@link FailurePolicy#FAIL_OPEN}: one per budget (its tiers, starting full), made when first
 * needed. Memory stays bounded by the budgets used during the outage: a bucket that is full again
 * is idle (a new one would start full too) and is dropped, by a sweep that decisions run themselves
 * at most once per {@code sweepInterval}; {@link #clear()} drops them all when Redis is back.
 * <p>
 * A decision and a sweep of the same budget never interleave (both run under the map's lock of
 * that key), so no tokens taken from a bucket are lost by dropping it.
 */
final class FallbackBuckets {

	private final ConcurrentHashMap<String, LocalRateLimiter> buckets = new ConcurrentHashMap<>();
	private final Scheduler scheduler;
	private final NanoClock clock;
	private final long sweepIntervalNanos;
	private final AtomicLong lastSweep;

	/**
	 * @param scheduler     the buckets' scheduler, whose clock also times the sweeps
	 * @param clock         the buckets' clock
	 * @param sweepInterval the least time between two sweeps of idle buckets
	 */
	FallbackBuckets(Scheduler scheduler, NanoClock clock, Duration sweepInterval) {
		this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.sweepIntervalNanos = sweepInterval.toNanos();
		this.lastSweep = new AtomicLong(scheduler.now(TimeUnit.NANOSECONDS));
	}

	/**
	 * {@code permits} from {@code budget}'s bucket, waiting at most {@code maxWait}, at once; with
	 * what each of its tiers has left.
	 */
	Local reserve(Budget budget, int permits, Duration maxWait) {
		sweepIfDue();
		Local[] decision = new Local[1];
		buckets.compute(budget.fallbackKey(), (key, bucket) -> {
			LocalRateLimiter limiter = bucket != null ? bucket : budget.newLocalLimiter(scheduler, clock);
			decision[0] = new Local(limiter.reserveNow(permits, maxWait), tokens(limiter));
			return limiter;
		});
		return decision[0];
	}

	private void sweepIfDue() {
		long now = scheduler.now(TimeUnit.NANOSECONDS);
		long last = lastSweep.get();
		if (now - last >= sweepIntervalNanos && lastSweep.compareAndSet(last, now)) {
			for (String key : buckets.keySet()) {
				buckets.computeIfPresent(key, (k, bucket) -> full(bucket) ? null : bucket);
			}
		}
	}

	/** Drops every bucket: Redis decides again. */
	void clear() {
		buckets.clear();
	}

	int size() {
		return buckets.size();
	}

	/** A bucket whose tiers are all full is idle: a new one would start full too. */
	private static boolean full(LocalRateLimiter limiter) {
		if (limiter instanceof TokenBucket bucket) {
			return bucket.tokens() >= bucket.burst();
		}
		if (limiter instanceof MultiLimiter multi) {
			return multi.limiters().stream().allMatch(FallbackBuckets::full);
		}
		return false;
	}

	/** The tokens of the buckets, in the order of the budget's tiers (a {@link MultiLimiter} sorts them the same way). */
	private static List<Double> tokens(LocalRateLimiter limiter) {
		List<Double> tokens = new ArrayList<>();
		for (LocalRateLimiter bucket : limiter instanceof MultiLimiter multi ? multi.limiters() : List.of(limiter)) {
			tokens.add(((TokenBucket) bucket).tokens());
		}
		return List.copyOf(tokens);
	}

	/** A decision of an in-process bucket, with its tiers' tokens. */
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
