package io.gopherflux.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.redis.FailurePolicy;
import io.gopherflux.ratelimit.redis.RedisCluster;
import io.gopherflux.ratelimit.redis.RedisClusterInstalled;
import io.gopherflux.server.GopherfluxServer;
import io.gopherflux.server.ServerConfig;
import io.gopherflux.server.limit.Plan;
import io.gopherflux.server.limit.Plans;
import io.gopherflux.server.limit.Quota;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two servers on one Redis Cluster (three masters with a replica each, from core's test harness),
 * configured as {@code --redis-uri=redis-cluster://...} configures them: a client's budget is one,
 * whichever server it reaches, and each client has its own.
 */
@ExtendWith(RedisClusterInstalled.class)
class RedisClusterServersTest {

	private static final int CLIENTS = 20;
	/** An hour's quota: Redis's real clock cannot refill a token while the test runs. */
	private static final int HOURLY = 20;
	private static final String STREAM = "/streams/integers?count=1&format=ndjson";

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
	private static final List<GopherfluxServer> servers = new ArrayList<>();
	private static RedisCluster cluster;
	private static int nextClient;

	@BeforeAll
	static void startClusterAndTwoServers() throws Exception {
		cluster = RedisCluster.start();
		String uri = "redis-cluster://" + cluster.seedUris().stream()
				.map(seed -> seed.substring("redis://".length()))
				.collect(Collectors.joining(","));
		Map<String, String> keys = new LinkedHashMap<>();
		for (int i = 0; i < CLIENTS; i++) {
			keys.put("client-" + i, "free");
		}
		Plan free = new Plan("free", List.of(Quota.parse("per-second:1000/1s"), Quota.parse("per-hour:" + HOURLY + "/1h")),
				Limit.INF, 64);
		Plans plans = new Plans(Map.of("free", free), "free", keys);
		for (int i = 0; i < 2; i++) {
			servers.add(GopherfluxServer.start(ServerConfig.defaults().withPort(0).withPlans(plans)
					.withRedis(uri, FailurePolicy.FAIL_CLOSED)));
		}
		// The first decisions may outlast the limiter's timeout while the cluster's topology is read.
		for (GopherfluxServer server : servers) {
			String probe = client();
			Instant giveUp = Instant.now().plusSeconds(30);
			while (get(server, STREAM, probe).statusCode() != 200) {
				assertThat(Instant.now()).as("a request decided on the cluster within 30 s").isBefore(giveUp);
			}
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

	private static String client() {
		return "client-" + nextClient++;
	}

	private static HttpResponse<String> get(GopherfluxServer server, String path, String apiKey)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
				.timeout(Duration.ofSeconds(15));
		if (apiKey != null) {
			request.header("X-Api-Key", apiKey);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void bothServersNameTheClusterAsTheirLimiter() throws Exception {
		for (GopherfluxServer server : servers) {
			assertThat(get(server, "/health", null).body()).contains("\"limiter\":\"redis-cluster\"");
		}
	}

	@Test
	void aClientAlternatingBetweenTheServersHasOneBudget() throws Exception {
		String client = client();
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 2 * HOURLY; i++) {
			statuses.add(get(servers.get(i % 2), STREAM, client).statusCode());
		}

		assertThat(statuses.subList(0, HOURLY)).as("the hour's quota, shared by both servers").containsOnly(200);
		assertThat(statuses.subList(HOURLY, 2 * HOURLY)).as("then refusals from either server").containsOnly(429);
	}

	@Test
	void everyClientHasABudgetOfItsOwnOnBothServers() throws Exception {
		for (int c = 0; c < 10; c++) {
			String client = client();
			for (int i = 0; i < HOURLY; i++) {
				assertThat(get(servers.get(i % 2), STREAM, client).statusCode()).as("%s, request %d", client, i + 1)
						.isEqualTo(200);
			}
			assertThat(get(servers.get(1), STREAM, client).statusCode()).isEqualTo(429);
		}
	}
}
