package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.gopherflux.context.Deadline;
import io.gopherflux.ratelimit.BurstExceededException;
import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.RateLimit;
import io.gopherflux.ratelimit.Reservation;
import io.gopherflux.ratelimit.WaitPastDeadlineException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.TestInfo;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The Redis limiter against a real redis-server: semantics, keys, scripts, on any thread. */
@ExtendWith(RedisServerInstalled.class)
class RedisRateLimiterTest {

	private static final Duration MINUTE = Duration.ofMinutes(1);

	private static RedisServer server;
	private final RecordingRedisMetrics metrics = new RecordingRedisMetrics();
	private RedisRateLimiters redis;
	private String key;

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		if (server != null) {
			server.close();
		}
	}

	@BeforeEach
	void connect(TestInfo test) {
		redis = connectTo(server);
		// A key of its own per test: tests share the server, not their budgets.
		key = test.getTestMethod().orElseThrow().getName();
	}

	private RedisRateLimiters connectTo(RedisServer server) {
		// A generous timeout: a loaded test machine must not make Redis look unavailable here.
		return RedisRateLimiters.create(RedisRateLimiterConfig.builder(server.uri())
				.name("test")
				.timeout(Duration.ofSeconds(5))
				.failurePolicy(FailurePolicy.FAIL_CLOSED)
				.metrics(metrics)
				.redisMetrics(metrics)
				.build());
	}

	@AfterEach
	void close() {
		redis.close();
	}

	private static Tier perMinute(int count) {
		return Tier.of("per-minute", Limit.per(count, MINUTE), count);
	}

	private static List<Boolean> tryAcquireTimes(RedisRateLimiter limiter, int times) {
		List<Boolean> results = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			results.add(limiter.reserve(1, Duration.ZERO).block().ok());
		}
		return results;
	}

	/** Polls Redis (each poll a round trip, no sleeping) until {@code condition} holds, for at most 10 s. */
	private static void eventually(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("not within 10 s: " + what);
			}
		}
	}

	@Test
	void nullAndInvalidArgumentsFailAtOnce() {
		assertThatNullPointerException().isThrownBy(() -> redis.limiter(null, perMinute(1))).withMessage("key");
		assertThatNullPointerException().isThrownBy(() -> redis.limiter("k", (List<Tier>) null)).withMessage("tiers");
		assertThatNullPointerException().isThrownBy(() -> redis.limiter("k", (Tier[]) null)).withMessage("tiers");
		assertThatNullPointerException().isThrownBy(() -> redis.limiter("k", Arrays.asList((Tier) null))).withMessage("tiers[0]");
		assertThatNullPointerException().isThrownBy(() -> redis.limiter("k", null, 1)).withMessage("limit");
		assertThatIllegalArgumentException().isThrownBy(() -> redis.limiter("k", List.of())).withMessageContaining("empty");
		assertThatIllegalArgumentException().isThrownBy(() -> redis.limiter("k", perMinute(1), perMinute(2)))
				.withMessageContaining("'per-minute' is repeated");

		RedisRateLimiter limiter = redis.limiter(key, perMinute(1));
		assertThatIllegalArgumentException().isThrownBy(() -> limiter.reserve(0, MINUTE)).withMessageContaining("permits");
		assertThatIllegalArgumentException().isThrownBy(() -> limiter.reserve(-1)).withMessageContaining("permits");
		assertThatIllegalArgumentException().isThrownBy(() -> limiter.acquire(0)).withMessageContaining("permits");
		assertThatNullPointerException().isThrownBy(() -> limiter.reserve(1, null)).withMessage("maxWait");
		assertThatNullPointerException().isThrownBy(() -> limiter.acquire(1, null)).withMessage("maxWait");
		assertThatIllegalArgumentException().isThrownBy(() -> limiter.reserve(1, Duration.ofMillis(-1)))
				.withMessageContaining("maxWait");
		assertThatIllegalArgumentException().isThrownBy(() -> limiter.acquire(1, Duration.ofMillis(-1)))
				.withMessageContaining("maxWait");
	}

	@Test
	void grantsTheBurstThenRefuses() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(3));

		assertThat(tryAcquireTimes(limiter, 4)).containsExactly(true, true, true, false);
		assertThat(metrics.granted).hasValue(3);
		assertThat(metrics.denied).hasValue(1);
		assertThat(limiter.name()).isEqualTo(key);
		assertThat(limiter.limit()).isEqualTo(Limit.per(3, MINUTE));
		assertThat(limiter.burst()).isEqualTo(3);
	}

	@Test
	void twoTiersAreDecidedInOneRoundTripPerRequest() {
		redis.limiter(key + "-warm-up", perMinute(1)).reserve(1, Duration.ZERO).block();
		RedisRateLimiter limiter = redis.limiter(key, Tier.of("per-second", Limit.of(100), 100), perMinute(3));
		long before = server.calls("evalsha");
		long evalBefore = server.calls("eval");

		assertThat(tryAcquireTimes(limiter, 4)).containsExactly(true, true, true, false);

		assertThat(server.calls("evalsha") - before).isEqualTo(4);
		assertThat(server.calls("eval")).isEqualTo(evalBefore);
		assertThat(limiter.limit()).isEqualTo(Limit.per(3, MINUTE));
		assertThat(limiter.tiers()).extracting(Tier::name).containsExactly("per-minute", "per-second");
	}

	@Test
	void aReservationTellsTheTokensEachTierHasLeftAndARefusalItsWait() {
		RedisRateLimiter limiter = redis.limiter(key, Tier.of("per-second", Limit.of(10), 10), perMinute(3),
				Tier.of("free", Limit.INF, 1));

		TieredReservation first = limiter.reserve(1, Duration.ZERO).block();
		limiter.reserve(2, Duration.ZERO).block();
		TieredReservation refused = limiter.reserve(1, Duration.ZERO).block();

		assertThat(first.ok()).isTrue();
		assertThat(limiter.tiers()).extracting(Tier::name).containsExactly("per-minute", "per-second", "free");
		// Both buckets were full: taking one leaves exactly burst - 1.
		assertThat(first.tokens().get(0)).isCloseTo(2, within(1e-9));
		assertThat(first.tokens().get(1)).isCloseTo(9, within(1e-9));
		assertThat(first.tokens().get(2)).isInfinite();
		assertThat(refused.ok()).isFalse();
		// A fraction of a token has come back since the first call (one every 20 s).
		assertThat(refused.tokens().get(0)).isCloseTo(0, within(0.05));
		assertThat(refused.delay()).as("the next per-minute token").isBetween(Duration.ofSeconds(19), Duration.ofSeconds(20));
	}

	@Test
	void aRequestOneTierRefusesChargesNoTier() {
		Tier tight = Tier.of("tight", Limit.per(2, MINUTE), 2);
		Tier loose = Tier.of("loose", Limit.per(5, MINUTE), 5);
		RedisRateLimiter both = redis.limiter(key, tight, loose);

		assertThat(tryAcquireTimes(both, 3)).containsExactly(true, true, false);

		// The loose tier paid for the two granted requests only: three of its five tokens are left.
		assertThat(tryAcquireTimes(redis.limiter(key, loose), 4)).containsExactly(true, true, true, false);
	}

	@Test
	void keysExpireWhenTheirBucketIsFullAgain() {
		RedisRateLimiter limiter = redis.limiter(key, Tier.of("per-second", Limit.of(1), 5));
		String redisKey = "gopherflux:ratelimit:{" + key + "}:per-second";
		assertThat(limiter.keys()).containsExactly(redisKey);
		assertThat(server.commands().exists(redisKey)).as("an untouched budget has no key").isZero();

		assertThat(tryAcquireTimes(limiter, 2)).containsExactly(true, true);

		// Two tokens at 1 per second come back in 2 s: the key lives exactly that long (long enough that a
		// stalled test thread still finds it).
		long ttl = server.commands().pttl(redisKey);
		assertThat(ttl).isBetween(1L, 2_000L);
		eventually("the key expires", () -> server.commands().exists(redisKey) == 0);
		assertThat(tryAcquireTimes(limiter, 6)).containsExactly(true, true, true, true, true, false);
	}

	@Test
	void unlimitedTiersCostNoKeyAndNoRoundTrip() {
		RedisRateLimiter limiter = redis.limiter(key, Tier.of("free", Limit.INF, 1));
		long before = server.calls("evalsha") + server.calls("eval");

		assertThat(limiter.reserve(1_000, Duration.ZERO).block().ok()).isTrue();
		StepVerifier.create(limiter.acquire(1)).verifyComplete();

		assertThat(server.calls("evalsha") + server.calls("eval")).isEqualTo(before);
		assertThat(limiter.burst()).isEqualTo(Integer.MAX_VALUE);
		assertThat(limiter.limit()).isEqualTo(Limit.INF);
	}

	@Test
	void aScriptRedisForgotIsSentAgainOnce() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(3));
		assertThat(limiter.reserve(1, Duration.ZERO).block().ok()).isTrue();
		long reloadsBefore = metrics.reloads.get();

		server.commands().scriptFlush();

		assertThat(tryAcquireTimes(limiter, 3)).containsExactly(true, true, false);
		assertThat(metrics.reloads.get() - reloadsBefore).as("NOSCRIPT once, then EVALSHA finds it again").isEqualTo(1);
		assertThat(server.commands().scriptExists(GcraScript.RESERVE.sha1)).containsExactly(true);
	}

	@Test
	void reserveReturnsTheWaitRedisComputed() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(1));

		Reservation first = limiter.reserve(1, MINUTE).block();
		Reservation second = limiter.reserve(1, MINUTE).block();
		Reservation third = limiter.reserve(1, Duration.ofSeconds(10)).block();

		assertThat(first.ok()).isTrue();
		assertThat(first.delayNanos()).isZero();
		assertThat(second.ok()).isTrue();
		assertThat(second.delay()).isBetween(Duration.ofSeconds(50), MINUTE);
		assertThat(third.ok()).as("would wait two minutes").isFalse();
		assertThat(third.delay()).isBetween(Duration.ofSeconds(110), Duration.ofMinutes(2));
		assertThat(limiter.reserve(1, Duration.ZERO).block().ok()).isFalse();
	}

	@Test
	void cancellingAReservationGivesItsTokensBack() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(1));
		assertThat(limiter.reserve(1, MINUTE).block().delayNanos()).isZero();
		Reservation waiting = limiter.reserve(1, Duration.ofMinutes(5)).block();

		waiting.cancel();
		waiting.cancel();

		// Sent on the same connection after the give-back: it waits one minute again, not two.
		Reservation next = limiter.reserve(1, Duration.ofMinutes(5)).block();
		assertThat(next.delay()).isBetween(Duration.ofSeconds(50), MINUTE);
		assertThat(metrics.returned).containsExactly(1.0);
	}

	@Test
	void cancellingAReservationWhoseTimeHasComeGivesNothingBack() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(2));
		Reservation immediate = limiter.reserve(1, MINUTE).block();

		immediate.cancel();

		assertThat(tryAcquireTimes(limiter, 2)).as("the token stays used").containsExactly(true, false);
	}

	@Test
	void cancellingWhileRedisDecidesGivesBackWhatItGranted() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(1));
		String redisKey = limiter.keys().get(0);
		assertThat(limiter.reserve(1, Duration.ZERO).block().ok()).isTrue();
		long scripts = server.calls("evalsha");

		// Redis holds every command for 300 ms: the subscriber is gone before the script runs.
		server.commands().clientPause(300);
		limiter.reserve(1, MINUTE).subscribe().dispose();
		server.commands().ping();

		eventually("the reservation ran, then its give-back", () -> server.calls("evalsha") >= scripts + 2);
		// Without the give-back the key would live two minutes: one token used, one reserved ahead.
		assertThat(server.commands().pttl(redisKey)).as("one minute for the first token only").isLessThanOrEqualTo(60_000);
		assertThat(metrics.granted).as("nothing granted to the cancelled subscriber is counted").hasValue(1);
	}

	@Test
	void cancellingAReservationOfSeveralPermitsWhileRedisDecidesGivesThemAllBack() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(3));
		String redisKey = limiter.keys().get(0);
		assertThat(limiter.reserve(1, Duration.ZERO).block().ok()).isTrue();
		long scripts = server.calls("evalsha");

		server.commands().clientPause(300);
		limiter.reserve(3, Duration.ofMinutes(5)).subscribe().dispose();
		server.commands().ping();

		eventually("the reservation ran, then its give-back", () -> server.calls("evalsha") >= scripts + 2);
		// One token every 20 s: the first reservation holds the key 20 s; the cancelled one had
		// taken it to 80 s, and giving back one of its three permits would leave 60 s.
		assertThat(server.commands().pttl(redisKey)).as("20 s for the first token only").isLessThanOrEqualTo(20_000);
	}

	@Test
	void acquireCompletesAtOnceWhenTokensAreThere() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(2));

		StepVerifier.create(limiter.acquire(2)).verifyComplete();
		assertThat(limiter.reserve(1, Duration.ZERO).block().ok()).isFalse();
	}

	@Test
	void cancellingAWaitingAcquireGivesItsTokensBack() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(1));
		String redisKey = limiter.keys().get(0);
		StepVerifier.create(limiter.acquire()).verifyComplete();

		Disposable waiting = limiter.acquire().subscribe();
		eventually("the second acquire reserved a minute ahead", () -> server.commands().pttl(redisKey) > 60_000);
		waiting.dispose();

		eventually("the tokens went back", () -> server.commands().pttl(redisKey) <= 60_000);
	}

	/** acquire is RateLimiter's, built on reserve: a subscriber gone in onSubscribe costs no round trip. */
	@Test
	void anAcquireCancelledInOnSubscribeNeverAsksRedis() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(1));
		long before = server.calls("evalsha") + server.calls("eval");

		limiter.acquire().subscribe(new BaseSubscriber<Void>() {
			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				cancel();
			}
		});

		assertThat(server.calls("evalsha") + server.calls("eval")).isEqualTo(before);
		assertThat(tryAcquireTimes(limiter, 1)).containsExactly(true);
	}

	@Test
	void acquireFailsFastWhenTheWaitIsTooLongAndTakesNothing() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(1));
		String redisKey = limiter.keys().get(0);
		StepVerifier.create(limiter.acquire()).verifyComplete();

		StepVerifier.create(limiter.acquire(1, Duration.ofSeconds(10)))
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WaitPastDeadlineException.class)
						.hasMessageContaining("rate limiter '" + key + "'"))
				.verify();
		StepVerifier.create(limiter.acquire().contextWrite(Deadline.after(Duration.ofSeconds(10), Schedulers.parallel())))
				.expectError(WaitPastDeadlineException.class)
				.verify();
		assertThat(server.commands().pttl(redisKey)).isLessThanOrEqualTo(60_000);
	}

	@Test
	void moreThanTheBurstFailsWithoutAskingRedis() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(3));
		long before = server.calls("evalsha") + server.calls("eval");

		StepVerifier.create(limiter.acquire(4)).expectError(BurstExceededException.class).verify();
		assertThat(limiter.reserve(4, Duration.ZERO).block().ok()).isFalse();
		Reservation r = limiter.reserve(4, MINUTE).block();
		assertThat(r.ok()).isFalse();
		assertThat(r.delayNanos()).isEqualTo(Long.MAX_VALUE);

		assertThat(server.calls("evalsha") + server.calls("eval")).isEqualTo(before);
	}

	/** Issue 14: no method refuses, throws or blocks because of the thread it is called on. */
	@Test
	void onANonBlockingThreadReserveAsksRedisOnceAndAnswers() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(3));
		long before = server.calls("evalsha") + server.calls("eval");

		TieredReservation answer = Mono.defer(() -> limiter.reserve(1, Duration.ZERO)).subscribeOn(Schedulers.parallel()).block();

		assertThat(answer.ok()).isTrue();
		assertThat(answer.tokens()).containsExactly(2.0);
		assertThat(server.calls("evalsha") + server.calls("eval") - before).isEqualTo(1);
	}

	@Test
	void onLettucesOwnThreadReserveAsksRedisAgainWithoutWaitingForIt() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(3));

		// The answer to the first call arrives on Lettuce's event loop, and the second is made there.
		List<Boolean> seen = limiter.reserve(1, Duration.ZERO)
				.flatMap(first -> limiter.reserve(1, Duration.ZERO).map(second -> List.of(first.ok(), second.ok())))
				.block();

		assertThat(seen).containsExactly(true, true);
		assertThat(tryAcquireTimes(limiter, 2)).as("both calls took a token").containsExactly(true, false);
	}

	@Test
	void rateLimitElementsWorksOnNonBlockingThreadsWithOneDecisionPerElement() {
		RedisRateLimiter limiter = redis.limiter(key, Tier.of("per-second", Limit.of(50), 2));
		long before = server.calls("evalsha");

		// Not a local limiter: no synchronous fast path, and each element is one acquire, one round trip.
		StepVerifier.create(Flux.range(1, 5).transform(RateLimit.elements(limiter)).subscribeOn(Schedulers.parallel()))
				.expectNext(1, 2, 3, 4, 5)
				.verifyComplete();

		assertThat(server.calls("evalsha") - before).isEqualTo(5);
	}

	@Test
	void twoLimitersOnTwoConnectionsShareOneBudget() {
		try (RedisRateLimiters other = connectTo(server)) {
			RedisRateLimiter here = redis.limiter(key, perMinute(4));
			RedisRateLimiter there = other.limiter(key, perMinute(4));
			AtomicInteger granted = new AtomicInteger();
			for (int i = 0; i < 3; i++) {
				if (here.reserve(1, Duration.ZERO).block().ok()) {
					granted.incrementAndGet();
				}
				if (there.reserve(1, Duration.ZERO).block().ok()) {
					granted.incrementAndGet();
				}
			}
			assertThat(granted).hasValue(4);
		}
	}

	@Test
	void usedAfterCloseFailsClearly() {
		RedisRateLimiter limiter = redis.limiter(key, perMinute(3));
		redis.close();

		StepVerifier.create(limiter.reserve(1, Duration.ZERO))
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed"))
				.verify();
	}
}
