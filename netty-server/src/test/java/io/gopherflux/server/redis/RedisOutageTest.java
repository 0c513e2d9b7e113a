package io.gopherflux.server.redis;

import static io.gopherflux.server.redis.Http.LIMITED;
import static io.gopherflux.server.redis.Http.getNow;
import static io.gopherflux.server.redis.RedisServers.budgetKey;
import static io.gopherflux.server.redis.RedisServers.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gopherflux.ratelimit.redis.FailurePolicy;
import io.gopherflux.server.GopherfluxServer;
import io.gopherflux.server.redis.Http.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis killed (SIGKILL) under a running server, then started again, empty, on the same port:
 * fail-open keeps limiting in process, fail-closed answers 503, never 500, and both go back to
 * Redis by themselves once it answers.
 */
class RedisOutageTest {

	/** The limiter probes Redis every second; a restart is noticed within a few. */
	private static final Duration RECOVERY_WITHIN = Duration.ofSeconds(20);

	private RedisProcess redis;
	private RedisServers servers;

	@BeforeEach
	void start() {
		redis = RedisProcess.start();
		servers = new RedisServers(redis);
	}

	@AfterEach
	void stop() {
		if (servers != null) {
			servers.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void failOpenLimitsInProcessWhileRedisIsDownThenGoesBackToRedis() {
		GopherfluxServer server = servers.onRedis("per-second:100/1s,per-hour:3/1h", FailurePolicy.FAIL_OPEN);
		String client = uniqueKey();
		Reply before = getNow(server, LIMITED, client);
		assertThat(before.status()).isEqualTo(200);
		assertThat(before.remaining("per-hour")).isEqualTo(2);
		assertThat(redis.commands().exists(budgetKey(client, "per-hour"))).isEqualTo(1);

		redis.kill();
		List<Reply> during = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			during.add(getNow(server, LIMITED, client));
		}

		// The in-process stand-in has the plan's quotas and starts full: what Redis counted is not known here.
		assertThat(during).extracting(Reply::status).containsExactly(200, 200, 200, 429, 429);
		assertThat(during).extracting(r -> r.remaining("per-hour")).containsExactly(2L, 1L, 0L, 0L, 0L);
		assertThat(during).extracting(r -> r.header("RateLimit-Policy"))
				.containsOnly("\"per-second\";q=100;w=1, \"per-hour\";q=3;w=3600");
		Reply refused = during.get(3);
		assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
		assertThat(refused.member("type")).isEqualTo("urn:gopherflux:problem:rate-limited");
		assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 1200L);
		Http.await("/health to report the fail-open fallback", Duration.ofSeconds(10),
				() -> "redis-unavailable, fail-open".equals(Http.limiterState(server)));
		assertThat(getNow(server, "/health", null).status()).isEqualTo(200);

		redis.restart();
		Http.await("/health to report Redis again", RECOVERY_WITHIN, () -> "redis".equals(Http.limiterState(server)));
		Reply after = getNow(server, LIMITED, client);

		// The restarted Redis is empty and decides again: a full budget, not the stand-in's empty one.
		assertThat(after.status()).isEqualTo(200);
		assertThat(after.remaining("per-hour")).isEqualTo(2);
		assertThat(redis.commands().exists(budgetKey(client, "per-hour"))).isEqualTo(1);
	}

	@Test
	void failClosedAnswers503WithTheOutagesLogIdWhileRedisIsDownThenGoesBackToRedis() {
		GopherfluxServer server = servers.onRedis("per-second:100/1s,per-hour:100/1h", FailurePolicy.FAIL_CLOSED);
		String client = uniqueKey();
		assertThat(getNow(server, LIMITED, client).status()).isEqualTo(200);

		redis.kill();
		List<Reply> during = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			during.add(getNow(server, LIMITED, client));
		}

		for (Reply reply : during) {
			assertThat(reply.status()).as(reply.body()).isEqualTo(503);
			assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
			assertThat(reply.header("Retry-After")).isEqualTo("1");
			assertThat(reply.member("type")).isEqualTo("urn:gopherflux:problem:limiter-unavailable");
			assertThat(reply.member("title")).isEqualTo("Rate limiter unavailable");
			assertThat(reply.member("status")).isEqualTo("503");
			assertThat(reply.member("instance")).isEqualTo("/streams/integers");
			assertThat(reply.member("detail")).isEqualTo("The service cannot check its usage limits right now; please retry shortly.");
			assertThat(reply.member("logId")).isNotBlank();
			assertThat(reply.body()).doesNotContain("Exception", "redis://");
		}
		assertThat(during).extracting(r -> r.member("logId")).as("one outage, one logged line").containsOnly(during.get(0).member("logId"));
		Reply health = getNow(server, "/health", null);
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.member("limiter")).isEqualTo("redis-unavailable, fail-closed");

		redis.restart();
		Http.await("/health to report Redis again", RECOVERY_WITHIN, () -> "redis".equals(Http.limiterState(server)));
		Reply after = getNow(server, LIMITED, client);

		assertThat(after.status()).isEqualTo(200);
		assertThat(after.remaining("per-hour")).as("a full budget in the restarted, empty Redis").isEqualTo(99);
		assertThat(redis.commands().exists(budgetKey(client, "per-hour"))).isEqualTo(1);
	}
}
