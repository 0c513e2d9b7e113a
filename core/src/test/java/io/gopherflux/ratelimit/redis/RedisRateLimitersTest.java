package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.gopherflux.ratelimit.Limit;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The entry point on one Redis: limiters on the application's own client, connection or client
 * resources, which closing the limiters leaves alone, and on a client of their own.
 */
@ExtendWith(RedisServerInstalled.class)
class RedisRateLimitersTest {

	private static final RedisRateLimiterConfig LENT = RedisRateLimiterConfig.builder()
			.timeout(Duration.ofSeconds(5))
			.failurePolicy(FailurePolicy.FAIL_CLOSED)
			.build();

	private static RedisServer server;
	private static ClientResources resources;
	private static RedisClient client;

	@BeforeAll
	static void start() {
		server = RedisServer.start();
		resources = DefaultClientResources.create();
		client = RedisClient.create(resources);
	}

	@AfterAll
	static void stop() {
		if (client != null) {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
		if (resources != null) {
			resources.shutdown(0, 2, TimeUnit.SECONDS);
		}
		if (server != null) {
			server.close();
		}
	}

	private static RedisURI uri() {
		return RedisURI.create(server.uri());
	}

	private static List<Boolean> tryAcquireTimes(RedisRateLimiter limiter, int times) {
		List<Boolean> results = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			results.add(limiter.reserve(1, Duration.ZERO).block().ok());
		}
		return results;
	}

	/** Connections Redis has open, the test's own inspecting one included. */
	private static long connections() {
		return server.commands().clientList().lines().count();
	}

	/** Redis sees a closed connection go a moment after the client closed it: polls, for at most 10 s. */
	private static void connectionsBecome(long expected) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (connections() != expected) {
			if (System.nanoTime() > deadline) {
				assertThat(connections()).as("connections after 10 s").isEqualTo(expected);
			}
			LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
		}
	}

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> RedisRateLimiters.on((RedisClient) null, uri(), LENT)).withMessage("client");
		assertThatNullPointerException().isThrownBy(() -> RedisRateLimiters.on(client, null, LENT)).withMessage("uri");
		assertThatNullPointerException().isThrownBy(() -> RedisRateLimiters.on(client, uri(), null)).withMessage("config");
		assertThatNullPointerException().isThrownBy(() -> RedisRateLimiters.on((StatefulRedisConnection<String, String>) null, LENT))
				.withMessage("connection");
		assertThatNullPointerException().isThrownBy(() -> RedisRateLimiters.on((RedisClusterClient) null, LENT)).withMessage("client");
		assertThatNullPointerException()
				.isThrownBy(() -> RedisRateLimiters.on((StatefulRedisClusterConnection<String, String>) null, LENT))
				.withMessage("connection");
		assertThatNullPointerException().isThrownBy(() -> RedisRateLimiters.create(RedisRateLimiterConfig.of(server.uri()), null))
				.withMessage("resources");
	}

	@Test
	void aConfigNamingAUriIsRefusedOnTheApplicationsClient() {
		RedisRateLimiterConfig named = RedisRateLimiterConfig.of(server.uri());

		assertThatIllegalArgumentException().isThrownBy(() -> RedisRateLimiters.on(client, uri(), named))
				.withMessageContaining("config names redisUri")
				.withMessageContaining("RedisRateLimiterConfig.builder()");
	}

	@Test
	void onTheApplicationsClientTheLimitersCloseOnlyTheirOwnConnection() {
		try (StatefulRedisConnection<String, String> appsOwn = client.connect(uri())) {
			long before = connections();
			RedisRateLimiters limiters = RedisRateLimiters.on(client, uri(), LENT);
			RedisRateLimiter limiter = limiters.limiter("on-client", Limit.per(2, Duration.ofMinutes(1)), 2);

			assertThat(tryAcquireTimes(limiter, 3)).containsExactly(true, true, false);
			assertThat(connections()).as("one connection of the limiters'").isEqualTo(before + 1);
			assertThat(limiters.cluster()).isFalse();
			limiters.close();

			connectionsBecome(before);
			assertThat(appsOwn.sync().ping()).isEqualTo("PONG");
			try (StatefulRedisConnection<String, String> another = client.connect(uri())) {
				assertThat(another.sync().exists(limiter.keys().get(0))).as("the client still connects").isOne();
			}
		}
	}

	@Test
	void onTheApplicationsConnectionTheLimitersCloseNothing() {
		try (StatefulRedisConnection<String, String> appsOwn = client.connect(uri())) {
			long before = connections();
			RedisRateLimiters limiters = RedisRateLimiters.on(appsOwn, LENT);
			RedisRateLimiter limiter = limiters.limiter("on-connection", Limit.per(2, Duration.ofMinutes(1)), 2);

			assertThat(tryAcquireTimes(limiter, 3)).containsExactly(true, true, false);
			assertThat(connections()).as("no connection of the limiters' own").isEqualTo(before);
			limiters.close();

			assertThat(appsOwn.isOpen()).isTrue();
			assertThat(appsOwn.sync().exists(limiter.keys().get(0))).isOne();
		}
	}

	@Test
	void onTheApplicationsResourcesTheLimitersCloseTheirClientButNotTheResources() {
		long before = connections();
		RedisRateLimiters limiters = RedisRateLimiters.create(RedisRateLimiterConfig.builder(server.uri())
				.timeout(Duration.ofSeconds(5)).failurePolicy(FailurePolicy.FAIL_CLOSED).build(), resources);
		RedisRateLimiter limiter = limiters.limiter("on-resources", Limit.per(1, Duration.ofMinutes(1)), 1);

		assertThat(tryAcquireTimes(limiter, 2)).containsExactly(true, false);
		limiters.close();

		connectionsBecome(before);
		assertThat(resources.eventExecutorGroup().isShuttingDown()).isFalse();
		try (StatefulRedisConnection<String, String> stillWorks = client.connect(uri())) {
			assertThat(stillWorks.sync().ping()).isEqualTo("PONG");
		}
	}

	@Test
	void onAClientOfTheirOwnTheLimitersCloseItAll() {
		long before = connections();
		RedisRateLimiters limiters = RedisRateLimiters.create(RedisRateLimiterConfig.builder(server.uri())
				.timeout(Duration.ofSeconds(5)).failurePolicy(FailurePolicy.FAIL_CLOSED).build());
		RedisRateLimiter limiter = limiters.limiter("on-own-client", Limit.per(1, Duration.ofMinutes(1)), 1);

		assertThat(tryAcquireTimes(limiter, 2)).containsExactly(true, false);
		assertThat(limiters.toString()).contains("127.0.0.1:" + server.port(), "available");
		limiters.close();

		connectionsBecome(before);
	}
}
