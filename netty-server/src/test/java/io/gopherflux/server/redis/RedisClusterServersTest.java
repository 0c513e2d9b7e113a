package io.gopherflux.server.redis;

import static io.gopherflux.server.redis.Http.LIMITED;
import static io.gopherflux.server.redis.Http.getNow;
import static io.gopherflux.server.redis.RedisServers.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.gopherflux.ratelimit.redis.FailurePolicy;
import io.gopherflux.ratelimit.redis.RedisCluster;
import io.gopherflux.ratelimit.redis.RedisClusterInstalled;
import io.gopherflux.server.GopherfluxServer;
import io.gopherflux.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two servers on one Redis Cluster (three masters, a replica each, from core's test harness), as
 * {@code --redis-uri=redis-cluster://...} configures them: a client's budget is one, whichever
 * server it reaches, and each client has its own.
 */
@ExtendWith(RedisClusterInstalled.class)
class RedisClusterServersTest {

	private static RedisCluster cluster;
	private static final List<GopherfluxServer> servers = new ArrayList<>();

	@BeforeAll
	static void startClusterAndTwoServers() {
		cluster = RedisCluster.start();
		String uri = "redis-cluster://" + cluster.seedUris().stream()
				.map(seed -> seed.substring("redis://".length()))
				.collect(Collectors.joining(","));
		for (int i = 0; i < 2; i++) {
			// An hour's quota: Redis's real clock cannot refill a token while the test runs.
			servers.add(GopherfluxServer.start(ServerConfig.defaults().withPort(0)
					.withPlans(Http.onePlan("per-second:1000/1s,per-hour:20/1h"))
					.withRedis(uri, FailurePolicy.FAIL_CLOSED)));
		}
		for (GopherfluxServer server : servers) {
			// The first decisions may outlast the limiter's timeout while the cluster's topology is read.
			Http.await("a request decided on the cluster", Duration.ofSeconds(30),
					() -> getNow(server, LIMITED, uniqueKey()).status() == 200);
		}
	}

	@AfterAll
	static void stop() {
		for (GopherfluxServer server : servers) {
			server.shutdown(Duration.ofSeconds(1));
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void bothServersNameTheClusterAsTheirLimiter() {
		for (GopherfluxServer server : servers) {
			assertThat(Http.limiterState(server)).isEqualTo("redis-cluster");
		}
	}

	@Test
	void aClientAlternatingBetweenTheServersHasOneBudget() {
		String client = uniqueKey();
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			statuses.add(getNow(servers.get(i % 2), LIMITED, client).status());
		}

		assertThat(statuses.subList(0, 20)).as("the hour's 20, shared by both servers").containsOnly(200);
		assertThat(statuses.subList(20, 40)).as("then refusals from either server").containsOnly(429);
	}

	@Test
	void everyClientHasABudgetOfItsOwnOnBothServers() {
		List<String> clients = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			clients.add(uniqueKey());
		}
		for (String client : clients) {
			for (int i = 0; i < 20; i++) {
				assertThat(getNow(servers.get(i % 2), LIMITED, client).status()).as("%s, request %d", client, i + 1)
						.isEqualTo(200);
			}
			assertThat(getNow(servers.get(1), LIMITED, client).status()).isEqualTo(429);
		}
	}
}
