package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.NanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.util.RaceTestUtils;

/** The in-process stand-ins, in virtual time. */
class FallbackBucketsTest {

	private static final String PREFIX = RedisRateLimiterConfig.DEFAULT_KEY_PREFIX;
	private static final Duration SWEEP = Duration.ofSeconds(1);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
	private final FallbackBuckets buckets = new FallbackBuckets(time, NanoClock.of(time), SWEEP);

	@AfterEach
	void disposeTime() {
		time.dispose();
	}

	private static Budget budget(String key, int perSecond) {
		return new Budget(PREFIX, key, List.of(Tier.of("per-second", Limit.of(perSecond), perSecond)));
	}

	private static Budget perMinute(String key) {
		return new Budget(PREFIX, key, List.of(Tier.of("per-minute", Limit.per(1, Duration.ofMinutes(1)), 1)));
	}

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> new FallbackBuckets(null, NanoClock.of(time), SWEEP)).withMessage("scheduler");
		assertThatNullPointerException().isThrownBy(() -> new FallbackBuckets(time, null, SWEEP)).withMessage("clock");
	}

	@Test
	void oneBucketPerBudgetStartingFull() {
		Budget a = budget("a", 2);

		assertThat(buckets.reserve(a, 1, Duration.ZERO).ok()).isTrue();
		assertThat(buckets.reserve(budget("a", 2), 1, Duration.ZERO).tokens()).as("the same budget, another view").containsExactly(0.0);
		assertThat(buckets.reserve(a, 1, Duration.ZERO).ok()).isFalse();
		assertThat(buckets.reserve(budget("b", 2), 2, Duration.ZERO).ok()).as("another budget: full").isTrue();
		assertThat(buckets.size()).isEqualTo(2);
	}

	@Test
	void aDecisionTellsEachTiersTokensInTheBudgetsOrder() {
		Budget two = new Budget(PREFIX, "two", List.of(Tier.of("per-second", Limit.of(10), 10),
				Tier.of("per-minute", Limit.per(3, Duration.ofMinutes(1)), 3)));

		FallbackBuckets.Local local = buckets.reserve(two, 1, Duration.ZERO);

		assertThat(two.tiers).extracting(Tier::name).containsExactly("per-minute", "per-second");
		assertThat(local.tokens()).containsExactly(2.0, 9.0);
		assertThat(local.permits()).isEqualTo(1);
	}

	@Test
	void idleBucketsAreSweptAtMostOncePerIntervalByTheDecisionsThemselves() {
		buckets.reserve(budget("idle", 10), 1, Duration.ZERO);
		buckets.reserve(perMinute("busy"), 1, Duration.ZERO);
		time.advanceTimeBy(Duration.ofMillis(200));
		// "idle" is full again (10/s), "busy" is not (1/min): a sweep is due only after the interval.
		buckets.reserve(perMinute("busy"), 1, Duration.ZERO);
		assertThat(buckets.size()).isEqualTo(2);

		time.advanceTimeBy(SWEEP);
		buckets.reserve(perMinute("other"), 1, Duration.ZERO);

		assertThat(buckets.size()).as("idle swept, busy kept, other made").isEqualTo(2);
		assertThat(buckets.reserve(perMinute("busy"), 1, Duration.ZERO).ok()).as("the busy bucket kept its state").isFalse();
	}

	@Test
	void clearDropsEveryBucket() {
		buckets.reserve(budget("a", 1), 1, Duration.ZERO);

		buckets.clear();

		assertThat(buckets.size()).isZero();
		assertThat(buckets.reserve(budget("a", 1), 1, Duration.ZERO).ok()).as("a new, full bucket").isTrue();
	}

	@Test
	void aSweepNeverLosesTokensTakenMeanwhile() {
		for (int round = 0; round < 200; round++) {
			FallbackBuckets racing = new FallbackBuckets(time, NanoClock.of(time), Duration.ZERO);
			Budget budget = budget("race-" + round, 1);
			AtomicInteger granted = new AtomicInteger();
			// Two callers on a full bucket of one token, sweeping (interval zero) as they go: exactly one is granted.
			RaceTestUtils.race(() -> {
				if (racing.reserve(budget, 1, Duration.ZERO).ok()) {
					granted.incrementAndGet();
				}
			}, () -> {
				if (racing.reserve(budget, 1, Duration.ZERO).ok()) {
					granted.incrementAndGet();
				}
			});
			assertThat(granted).as("round %d", round).hasValue(1);
			assertThat(time.now(TimeUnit.NANOSECONDS)).isZero();
		}
	}
}
