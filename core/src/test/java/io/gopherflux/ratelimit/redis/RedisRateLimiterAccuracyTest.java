package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.gopherflux.ratelimit.Limit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The accuracy bound of the in-process bucket, admitted <= r*T + b + 1, held by two limiter
 * instances on two connections drawing on one key, as two servers behind a load balancer would.
 * <p>
 * Redis's clock is real, so the window is real too, but nothing here asserts on timing: T is
 * measured around the whole run (every decision Redis made lies inside it, so the bound can only
 * be looser, never wrong), and each caller keeps asking both until the window has passed and
 * until it alone has asked for more than the bound allows, so that a budget that was not shared
 * (each instance with its own) would break the bound whatever the machine's load. The policy is
 * fail-closed with a long timeout: only Redis ever admits.
 */
@ExtendWith(RedisServerInstalled.class)
class RedisRateLimiterAccuracyTest {

	private static final double RATE = 50;
	private static final int BURST = 10;
	private static final Duration WINDOW = Duration.ofMillis(1500);

	private static RedisServer server;

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

	private static RedisRateLimiters connect() {
		return RedisRateLimiters.create(RedisRateLimiterConfig.builder(server.uri())
				.timeout(Duration.ofSeconds(5))
				.failurePolicy(FailurePolicy.FAIL_CLOSED)
				.build());
	}

	@Test
	void twoInstancesOnOneKeyAdmitNoMoreThanOneBucket() throws Exception {
		check(List.of(Tier.of("per-second", Limit.of(RATE), BURST)), RATE, BURST);
	}

	@Test
	void twoInstancesWithTwoTiersAdmitNoMoreThanTheTighterOne() throws Exception {
		// 50/s with a burst of 10, and 40 per 2 s with a burst of 20: over 1.5 s the second binds.
		Tier perSecond = Tier.of("per-second", Limit.of(RATE), BURST);
		Tier perTwoSeconds = Tier.of("per-2s", Limit.per(40, Duration.ofSeconds(2)), 20);
		check(List.of(perSecond, perTwoSeconds), 20, 20);
	}

	private static void check(List<Tier> tiers, double rate, int burst) throws Exception {
		String key = "accuracy-" + tiers.size();
		AtomicLong admitted = new AtomicLong();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		try (RedisRateLimiters first = connect(); RedisRateLimiters second = connect()) {
			RedisRateLimiter[] instances = { first.limiter(key, tiers), second.limiter(key, tiers) };
			// Each caller alone asks for more than the bound: without sharing, the total would exceed it.
			long attemptsEach = (long) (rate * WINDOW.toNanos() / 1e9 + burst) * 3;
			Thread[] callers = new Thread[2];
			long start = System.nanoTime();
			for (int i = 0; i < callers.length; i++) {
				RedisRateLimiter limiter = instances[i];
				callers[i] = new Thread(() -> {
					long attempts = 0;
					while (attempts < attemptsEach || System.nanoTime() - start < WINDOW.toNanos()) {
						try {
							if (limiter.reserve(1, Duration.ZERO).block().ok()) {
								admitted.incrementAndGet();
							}
						}
						catch (Throwable t) {
							failures.add(t);
						}
						attempts++;
					}
				}, "instance-" + i);
				callers[i].start();
			}
			for (Thread caller : callers) {
				caller.join();
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			double bound = rate * seconds + burst + 1;

			assertThat((double) admitted.get())
					.as("admitted in %.3f s (bound %.1f, calls failed: %s)", seconds, bound, failures)
					.isLessThanOrEqualTo(bound)
					.isGreaterThan(burst);
		}
	}
}
