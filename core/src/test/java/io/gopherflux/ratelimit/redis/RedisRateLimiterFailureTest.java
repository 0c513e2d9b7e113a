package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.NanoClock;
import io.gopherflux.ratelimit.WaitPastDeadlineException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Hooks;
import reactor.test.StepVerifier;
import reactor.test.util.LoggerUtils;
import reactor.test.util.TestLogger;

/**
 * Redis going away and coming back under each failure policy: killed (SIGKILL) mid-run, down at
 * startup, slower than the timeout. The in-process fallback buckets read a clock the test
 * holds still, so their decisions are exact; Redis's own clock is real.
 */
@ExtendWith(RedisServerInstalled.class)
class RedisRateLimiterFailureTest {

	private static final Duration MINUTE = Duration.ofMinutes(1);
	private static final Duration LONG_ENOUGH = Duration.ofSeconds(20);

	private RedisServer server;
	private RedisRateLimiters redis;
	private final RecordingRedisMetrics metrics = new RecordingRedisMetrics();
	/** The fallback buckets' clock: standing still unless a test moves it. */
	private final AtomicLong localNanos = new AtomicLong();
	private final NanoClock localClock = localNanos::get;
	private final List<Throwable> dropped = new CopyOnWriteArrayList<>();
	private final TestLogger log = new TestLogger(false);
	private Disposable logCapture;

	@BeforeEach
	void start() {
		server = RedisServer.start();
		Hooks.onErrorDropped(dropped::add);
		logCapture = LoggerUtils.useCurrentLoggersWithCapture();
		LoggerUtils.enableCaptureWith(log);
	}

	@AfterEach
	void stop() {
		if (redis != null) {
			redis.close();
		}
		server.close();
		LoggerUtils.disableCapture();
		logCapture.dispose();
		Hooks.resetOnErrorDropped();
		assertThat(dropped).as("errors dropped by Reactor").isEmpty();
	}

	private RedisRateLimiters connect(String uri, FailurePolicy policy, Duration timeout) {
		redis = RedisRateLimiters.create(RedisRateLimiterConfig.builder(uri)
				.name("test")
				.timeout(timeout)
				.retryInterval(Duration.ofMillis(100))
				.failurePolicy(policy)
				.clock(localClock)
				.metrics(metrics)
				.redisMetrics(metrics)
				.build());
		return redis;
	}

	private RedisRateLimiters connect(FailurePolicy policy) {
		return connect(server.uri(), policy, Duration.ofSeconds(2));
	}

	private static Tier perMinute(int count) {
		return Tier.of("per-minute", Limit.per(count, MINUTE), count);
	}

	private static List<Boolean> tryAcquireTimes(RedisRateLimiter limiter, int times) {
		List<Boolean> results = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			results.add(tryAcquire(limiter));
		}
		return results;
	}

	/** Go's AllowN: a reservation that may not wait, waited for here (these tests run on threads that may block). */
	private static boolean tryAcquire(RedisRateLimiter limiter) {
		return limiter.reserve(1, Duration.ZERO).block().ok();
	}

	private int count(String text, String what) {
		return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
	}

	private static void eventually(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + LONG_ENOUGH.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("not within " + LONG_ENOUGH + ": " + what);
			}
		}
	}

	@Test
	void failOpenLimitsInProcessWhileRedisIsDeadAndGoesBackToRedisWhenItReturns() throws Exception {
		RedisRateLimiter limiter = connect(FailurePolicy.FAIL_OPEN).limiter("client", perMinute(3));
		assertThat(tryAcquire(limiter)).isTrue();

		server.kill();

		// No exception: a full in-process bucket of the same tier decides, on this instance alone.
		List<Boolean> answers = new ArrayList<>(tryAcquireTimes(limiter, 3));
		answers.add(tryAcquire(limiter));
		answers.add(limiter.reserve(1, Duration.ZERO).block().ok());
		assertThat(answers).containsExactly(true, true, true, false, false);
		StepVerifier.create(limiter.acquire(1, Duration.ofSeconds(1))).expectError(WaitPastDeadlineException.class).verify();
		assertThat(metrics.nextChange(LONG_ENOUGH)).isFalse();
		assertThat(redis.available()).isFalse();
		assertThat(metrics.degraded).hasValue(6);

		server.restart();

		assertThat(metrics.nextChange(LONG_ENOUGH)).isTrue();
		assertThat(redis.fallbackCount()).as("in-process buckets dropped").isZero();
		// The same limiter object decides in Redis again (a new, empty Redis: a full budget).
		assertThat(tryAcquireTimes(limiter, 4)).containsExactly(true, true, true, false);
		assertThat(server.commands().exists(limiter.keys().get(0))).isOne();
		assertThat(metrics.changes).containsExactly(false, true);
		assertThat(count(log.getErrContent(), "is unavailable")).as(log.getErrContent()).isOne();
		assertThat(log.getErrContent()).contains("failing open").contains(server.uri().substring("redis://".length()));
		assertThat(count(log.getOutContent(), "is available again")).as(log.getOutContent()).isOne();
	}

	@Test
	void failClosedRefusesWithAWellFormedErrorWhileRedisIsDeadAndRecovers() throws Exception {
		RedisRateLimiter limiter = connect(FailurePolicy.FAIL_CLOSED).limiter("client", perMinute(3));
		assertThat(tryAcquire(limiter)).isTrue();

		server.kill();

		StepVerifier.create(limiter.reserve(1, Duration.ZERO))
				.expectErrorSatisfies(e -> {
					assertThat(e).isInstanceOf(RateLimiterUnavailableException.class)
							.hasMessageContaining("rate limiter 'client' cannot decide on 1 permit(s)")
							.hasMessageContaining("127.0.0.1:" + server.port())
							.hasMessageContaining("fail-closed");
					RateLimiterUnavailableException u = (RateLimiterUnavailableException) e;
					assertThat(u.retryable()).isTrue();
					assertThat(u.userMessage()).contains("retry");
					assertThat(u.context()).containsEntry("limiter", "client").containsEntry("policy", "fail-closed");
				})
				.verify();
		assertThatThrownBy(() -> tryAcquire(limiter)).isInstanceOf(RateLimiterUnavailableException.class);
		StepVerifier.create(limiter.acquire()).expectError(RateLimiterUnavailableException.class).verify();
		StepVerifier.create(limiter.reserve(1, MINUTE)).expectError(RateLimiterUnavailableException.class).verify();
		assertThat(metrics.nextChange(LONG_ENOUGH)).isFalse();
		assertThat(metrics.granted).as("nothing admitted without Redis").hasValue(1);

		server.restart();

		assertThat(metrics.nextChange(LONG_ENOUGH)).isTrue();
		assertThat(tryAcquireTimes(limiter, 4)).containsExactly(true, true, true, false);
		assertThat(count(log.getErrContent(), "is unavailable")).isOne();
		assertThat(log.getErrContent()).contains("failing closed");
	}

	@Test
	void redisKilledUnderLoadNeverThrowsAtCallersAndLimitingResumesAfterARestart() throws Exception {
		RedisRateLimiter limiter = connect(FailurePolicy.FAIL_OPEN).limiter("busy", Tier.of("per-second", Limit.of(100), 10));
		Semaphore calls = new Semaphore(0);
		List<Throwable> escaped = new CopyOnWriteArrayList<>();
		AtomicLong answered = new AtomicLong();
		AtomicBoolean running = new AtomicBoolean(true);
		Thread[] callers = new Thread[2];
		for (int i = 0; i < callers.length; i++) {
			callers[i] = new Thread(() -> {
				while (running.get()) {
					try {
						if (limiter.reserve(1, Duration.ZERO).block() != null) {
							answered.incrementAndGet();
						}
					}
					catch (Throwable t) {
						escaped.add(t);
					}
					calls.release();
				}
			}, "caller-" + i);
			callers[i].start();
		}
		try {
			assertThat(calls.tryAcquire(200, 20, TimeUnit.SECONDS)).isTrue();
			server.kill();
			assertThat(metrics.nextChange(LONG_ENOUGH)).isFalse();
			calls.drainPermits();
			assertThat(calls.tryAcquire(200, 20, TimeUnit.SECONDS)).isTrue();
			server.restart();
			assertThat(metrics.nextChange(LONG_ENOUGH)).isTrue();
			calls.drainPermits();
			assertThat(calls.tryAcquire(200, 20, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			running.set(false);
			for (Thread caller : callers) {
				caller.join(10_000);
			}
		}
		assertThat(escaped).isEmpty();
		assertThat(answered.get()).isGreaterThanOrEqualTo(600);
		// Not the key itself: at 100 a second with a burst of 10 it expires 100 ms after the last grant,
		// which a busy machine can take to get here. The restarted server's own counters cannot expire.
		assertThat(server.calls("eval")).as("the script sent anew to the new Redis (NOSCRIPT)").isPositive();
		assertThat(server.calls("evalsha")).as("limiting in the new Redis").isPositive();
		assertThat(metrics.changes).containsExactly(false, true);
	}

	@Test
	void aRedisDownAtStartupIsHandledByThePolicyUntilItComesUp() throws Exception {
		int port = RedisServer.freePort();
		RedisRateLimiter limiter = connect("redis://127.0.0.1:" + port, FailurePolicy.FAIL_OPEN, Duration.ofSeconds(2))
				.limiter("early", perMinute(2));

		assertThat(tryAcquireTimes(limiter, 3)).containsExactly(true, true, false);
		assertThat(metrics.nextChange(LONG_ENOUGH)).isFalse();

		try (RedisServer late = RedisServer.startOn(port)) {
			assertThat(metrics.nextChange(LONG_ENOUGH)).isTrue();
			assertThat(tryAcquireTimes(limiter, 3)).containsExactly(true, true, false);
			assertThat(late.commands().exists(limiter.keys().get(0))).isOne();
		}
	}

	@Test
	void aRedisSlowerThanTheTimeoutIsUnavailableAndALateGrantIsGivenBack() throws Exception {
		RedisRateLimiter limiter = connect(server.uri(), FailurePolicy.FAIL_OPEN, Duration.ofMillis(200))
				.limiter("slow", perMinute(1));
		String key = limiter.keys().get(0);
		// Connected first: a connection being made while Redis pauses would fail, and grant nothing.
		redis.connected().get(20, TimeUnit.SECONDS);

		// Every client's commands wait one second: the scripts run only after the limiter gave up on them.
		server.commands().clientPause(1_000);
		assertThat(tryAcquireTimes(limiter, RedisRateLimiterConfig.DEFAULT_FAILURE_THRESHOLD))
				.as("each decided in-process after 200 ms").containsExactly(true, false, false);
		assertThat(metrics.nextChange(LONG_ENOUGH)).as("the threshold's failures reached").isFalse();

		assertThat(metrics.nextChange(LONG_ENOUGH)).isTrue();
		// The scripts ran before the probe that found Redis back (same connection, in order); the
		// token the first granted to nobody goes back, so the key of a full bucket disappears.
		eventually("the late grant is given back", () -> server.commands().exists(key) == 0);
		assertThat(tryAcquireTimes(limiter, 2)).containsExactly(true, false);
	}

	/** Issue 14: one failed call is not an outage; it alone is decided by the failure policy. */
	@Test
	void aCallFailingBelowTheThresholdIsDecidedByThePolicyAndRedisStaysAvailable() throws Exception {
		RedisRateLimiter limiter = connect(server.uri(), FailurePolicy.FAIL_CLOSED, Duration.ofMillis(200))
				.limiter("one-slow-call", perMinute(3));
		redis.connected().get(20, TimeUnit.SECONDS);

		server.commands().clientPause(1_000);
		StepVerifier.create(limiter.reserve(1, Duration.ZERO)).expectError(RateLimiterUnavailableException.class).verify();

		assertThat(redis.available()).isTrue();
		eventually("the late grant is given back", () -> !metrics.returned.isEmpty());
		assertThat(tryAcquireTimes(limiter, 3)).as("decided in Redis again, the late grant back").containsExactly(true, true, true);
		assertThat(metrics.changes).isEmpty();
		assertThat(metrics.degraded).hasValue(1);
		assertThat(log.getErrContent()).doesNotContain("is unavailable");
	}

	/** Issue 14: a key holding something else (WRONGTYPE) fails that budget's calls, not Redis. */
	@Test
	void errorsACallsOwnKeyCausesNeverMakeRedisUnavailable() throws Exception {
		redis = RedisRateLimiters.create(RedisRateLimiterConfig.builder(server.uri())
				.timeout(Duration.ofSeconds(2))
				.failureThreshold(1)
				.failurePolicy(FailurePolicy.FAIL_OPEN)
				.clock(localClock)
				.metrics(metrics)
				.redisMetrics(metrics)
				.build());
		RedisRateLimiter broken = redis.limiter("broken", perMinute(2));
		RedisRateLimiter fine = redis.limiter("fine", perMinute(2));
		server.commands().hset(broken.keys().get(0), "not", "a tat");

		assertThat(tryAcquireTimes(broken, 3)).as("the fallback bucket decides").containsExactly(true, true, false);

		assertThat(redis.available()).isTrue();
		assertThat(tryAcquireTimes(fine, 3)).as("decided in Redis").containsExactly(true, true, false);
		assertThat(server.commands().exists(fine.keys().get(0))).isOne();
		assertThat(metrics.changes).isEmpty();
		assertThat(metrics.degraded).hasValue(3);
	}

	@Test
	void theFallbackBucketsFollowTheirOwnClock() throws Exception {
		RedisRateLimiter limiter = connect(FailurePolicy.FAIL_OPEN).limiter("clocked", perMinute(2));
		server.kill();

		assertThat(tryAcquireTimes(limiter, 3)).containsExactly(true, true, false);
		assertThat(limiter.reserve(1, Duration.ZERO).block().tokens()).containsExactly(0.0);
		localNanos.addAndGet(Duration.ofSeconds(15).toNanos());
		assertThat(limiter.reserve(1, Duration.ZERO).block().tokens()).containsExactly(0.5);
		localNanos.addAndGet(Duration.ofSeconds(15).toNanos());
		assertThat(tryAcquireTimes(limiter, 2)).as("one token back after 30 s at 2 per minute").containsExactly(true, false);
		assertThat(metrics.nextChange(LONG_ENOUGH)).isFalse();
	}
}
