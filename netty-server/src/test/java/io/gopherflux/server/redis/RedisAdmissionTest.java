package io.gopherflux.server.redis;

import static io.gopherflux.server.redis.Http.LIMITED;
import static io.gopherflux.server.redis.Http.getNow;
import static io.gopherflux.server.redis.RedisServers.budgetKey;
import static io.gopherflux.server.redis.RedisServers.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gopherflux.ratelimit.redis.FailurePolicy;
import io.gopherflux.ratelimit.redis.RedisRateLimiters;
import io.gopherflux.server.GopherfluxServer;
import io.gopherflux.server.limit.Plan;
import io.gopherflux.server.limit.RedisClientLimiter;
import io.gopherflux.server.redis.Http.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The server with a Redis URI: admission is decided in Redis, and a client sees exactly what the
 * in-memory limiter would show it (status, header fields, problem body). Redis's clock is real, so
 * every exact count here uses quotas that cannot refill within a test, and the per-second ones are
 * checked only for what holds however the requests are spread in time.
 */
class RedisAdmissionTest {

	/** The origin of the limiter's TATs in Redis (see the core module's GCRA script). */
	private static final long GCRA_EPOCH_SECONDS = 1_735_689_600L;
	private static final String RATE_LIMIT_SHAPE = "\"[a-z-]+\";r=\\d+;t=\\d+(, \"[a-z-]+\";r=\\d+;t=\\d+)*";

	private static RedisProcess redis;
	private RedisServers servers;

	@BeforeAll
	static void startRedis() {
		redis = RedisProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@BeforeEach
	void servers() {
		servers = new RedisServers(redis);
	}

	@AfterEach
	void stopServers() {
		servers.close();
	}

	@Test
	void limiterRejectsNullArguments() {
		assertThatNullPointerException().isThrownBy(() -> new RedisClientLimiter(null)).withMessage("limiters");
		try (RedisClientLimiter limiter = new RedisClientLimiter(RedisRateLimiters.create(redis.uri()))) {
			Plan plan = Http.onePlan("per-minute:5/1m").planFor(null);
			assertThatNullPointerException().isThrownBy(() -> limiter.admit(null, plan)).withMessage("client");
			assertThatNullPointerException().isThrownBy(() -> limiter.admit("ip:127.0.0.1", null)).withMessage("plan");
		}
	}

	@Test
	void healthNamesRedisAsTheLimiter() {
		GopherfluxServer viaRedis = servers.onRedis("per-second:10/1s,per-minute:100/1m", FailurePolicy.FAIL_OPEN);
		GopherfluxServer inMemory = servers.inMemory("per-second:10/1s,per-minute:100/1m");

		Reply health = getNow(viaRedis, "/health", null);

		assertThat(health.status()).isEqualTo(200);
		assertThat(health.member("status")).isEqualTo("UP");
		assertThat(health.member("limiter")).isEqualTo("redis");
		assertThat(Http.limiterState(inMemory)).isEqualTo("in-memory");
	}

	@Test
	void fourthRequestOfABurstIsRefusedWithRateLimitFieldsFromRedis() {
		GopherfluxServer server = servers.onRedis("per-second:3/1s,per-minute:5/1m", FailurePolicy.FAIL_OPEN);
		String client = uniqueKey();

		// Normally the 4th is refused by the per-second quota; on a stalled machine the burst can
		// outlast a per-second refill, and the per-minute quota refuses the 6th at the latest.
		List<Reply> replies = new ArrayList<>();
		do {
			replies.add(getNow(server, LIMITED, client));
		}
		while (replies.get(replies.size() - 1).status() == 200 && replies.size() < 6);
		List<Reply> admitted = replies.subList(0, replies.size() - 1);
		Reply refused = replies.get(replies.size() - 1);

		assertThat(admitted).hasSizeBetween(3, 5);
		for (int i = 0; i < admitted.size(); i++) {
			Reply reply = admitted.get(i);
			assertThat(reply.status()).isEqualTo(200);
			assertThat(reply.body()).isEqualTo("{\"type\":\"value\",\"value\":0}\n");
			assertThat(reply.header("RateLimit-Policy")).isEqualTo("\"per-second\";q=3;w=1, \"per-minute\";q=5;w=60");
			assertThat(reply.header("RateLimit")).matches(RATE_LIMIT_SHAPE);
			assertThat(reply.rateLimit()).containsOnlyKeys("per-second", "per-minute");
			assertThat(reply.remaining("per-minute")).as("per-minute r of admission %d", i + 1).isEqualTo(4 - i);
			assertThat(reply.remaining("per-second")).isBetween(0L, 2L);
			assertConsistent(reply, Map.of("per-second", 3, "per-minute", 5), Map.of("per-second", 1, "per-minute", 60));
		}
		assertThat(admitted.get(0).remaining("per-second")).isEqualTo(2);
		if (admitted.size() == 3) {
			assertThat(admitted).extracting(r -> r.remaining("per-second")).containsExactly(2L, 1L, 0L);
		}

		assertThat(refused.status()).isEqualTo(429);
		assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
		assertThat(refused.header("RateLimit-Policy")).isEqualTo("\"per-second\";q=3;w=1, \"per-minute\";q=5;w=60");
		assertThat(refused.header("RateLimit")).matches(RATE_LIMIT_SHAPE);
		assertThat(refused.remaining("per-minute")).as("a refusal takes nothing").isEqualTo(5 - admitted.size());
		long retryAfter = Long.parseLong(refused.header("Retry-After"));
		if (refused.remaining("per-minute") > 0) {
			assertThat(refused.remaining("per-second")).isZero();
			assertThat(retryAfter).as("a per-second token comes back within a third of a second").isEqualTo(1);
		}
		else {
			assertThat(retryAfter).as("a per-minute token comes back within 12 s").isBetween(1L, 12L);
		}
		assertThat(refused.member("type")).isEqualTo("urn:gopherflux:problem:rate-limited");
		assertThat(refused.member("title")).isEqualTo("Too many requests");
		assertThat(refused.member("status")).isEqualTo("429");
		assertThat(refused.member("instance")).isEqualTo("/streams/integers");
		assertThat(refused.member("retryAfter")).isEqualTo(refused.header("Retry-After"));
		assertThat(refused.member("detail"))
				.isEqualTo("plan 'free' allows 3 requests per 1 s and 5 requests per 60 s; retry in " + retryAfter + " s");

		// The count lives in Redis: its per-minute TAT gives the tokens the last admission reported.
		assertThat(redisTokens(budgetKey(client, "per-minute"), 5, Duration.ofMinutes(1)))
				.isGreaterThanOrEqualTo(admitted.get(admitted.size() - 1).remaining("per-minute"))
				.isLessThan(admitted.get(admitted.size() - 1).remaining("per-minute") + 1);
	}

	@Test
	void redisCountsDownExactlyAsTheInMemoryLimiterDoes() {
		String quotas = "per-minute:3/1m,per-hour:5/1h";
		GopherfluxServer viaRedis = servers.onRedis(quotas, FailurePolicy.FAIL_OPEN);
		GopherfluxServer inMemory = servers.inMemory(quotas);
		// One client key on both: each must count it from a full budget of its own.
		String client = uniqueKey();

		List<Reply> fromRedis = Flux.range(0, 4).concatMap(i -> Http.get(viaRedis, LIMITED, client)).collectList()
				.block(Duration.ofSeconds(30));
		List<Reply> fromMemory = Flux.range(0, 4).concatMap(i -> Http.get(inMemory, LIMITED, client)).collectList()
				.block(Duration.ofSeconds(30));

		for (List<Reply> replies : List.of(fromRedis, fromMemory)) {
			assertThat(replies).extracting(Reply::status).containsExactly(200, 200, 200, 429);
			assertThat(replies).extracting(r -> r.remaining("per-minute")).containsExactly(2L, 1L, 0L, 0L);
			assertThat(replies).extracting(r -> r.remaining("per-hour")).containsExactly(4L, 3L, 2L, 2L);
			assertThat(replies).extracting(r -> r.header("RateLimit-Policy"))
					.containsOnly("\"per-minute\";q=3;w=60, \"per-hour\";q=5;w=3600");
			for (Reply reply : replies) {
				assertThat(reply.header("RateLimit")).matches(RATE_LIMIT_SHAPE);
				assertConsistent(reply, Map.of("per-minute", 3, "per-hour", 5), Map.of("per-minute", 60, "per-hour", 3600));
			}
			Reply refused = replies.get(3);
			assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 20L);
			assertThat(refused.member("retryAfter")).isEqualTo(refused.header("Retry-After"));
			assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
		}
		Reply redisRefusal = fromRedis.get(3);
		Reply memoryRefusal = fromMemory.get(3);
		for (String member : List.of("type", "title", "status", "instance")) {
			assertThat(redisRefusal.member(member)).as(member).isEqualTo(memoryRefusal.member(member));
		}
		assertThat(redisRefusal.member("detail")).startsWith("plan 'free' allows 3 requests per 60 s and 5 requests per 3600 s; retry in ");
		assertThat(redisRefusal.body().replaceAll("\\d+", "N")).isEqualTo(memoryRefusal.body().replaceAll("\\d+", "N"));
		assertThat(redis.commands().exists(budgetKey(client, "per-minute"), budgetKey(client, "per-hour"))).isEqualTo(2);
	}

	@Test
	void twoServersOnOneRedisShareOneBudget() {
		String quotas = "per-second:100/1s,per-hour:5/1h";
		GopherfluxServer a = servers.onRedis(quotas, FailurePolicy.FAIL_CLOSED);
		GopherfluxServer b = servers.onRedis(quotas, FailurePolicy.FAIL_CLOSED);
		String client = uniqueKey();

		List<Reply> replies = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			replies.add(getNow(i % 2 == 0 ? a : b, LIMITED, client));
		}

		assertThat(replies).extracting(Reply::status).containsExactly(200, 200, 200, 200, 200, 429, 429, 429, 429, 429);
		assertThat(replies).extracting(r -> r.remaining("per-hour")).containsExactly(4L, 3L, 2L, 1L, 0L, 0L, 0L, 0L, 0L, 0L);

		// The same alternation over two in-memory servers admits the quota once per server.
		GopherfluxServer c = servers.inMemory(quotas);
		GopherfluxServer d = servers.inMemory(quotas);
		long admittedInMemory = Flux.range(0, 10).concatMap(i -> Http.get(i % 2 == 0 ? c : d, LIMITED, client))
				.filter(r -> r.status() == 200).count().block(Duration.ofSeconds(30));
		assertThat(admittedInMemory).isEqualTo(10);
	}

	@Test
	void concurrentRequestsThroughTwoServersNeverExceedTheSharedBudget() {
		String quotas = "per-second:100/1s,per-hour:5/1h";
		GopherfluxServer a = servers.onRedis(quotas, FailurePolicy.FAIL_CLOSED);
		GopherfluxServer b = servers.onRedis(quotas, FailurePolicy.FAIL_CLOSED);
		String client = uniqueKey();

		List<Reply> replies = Flux.range(0, 16).flatMap(i -> Http.get(i % 2 == 0 ? a : b, LIMITED, client), 16)
				.collectList().block(Duration.ofSeconds(30));

		assertThat(replies).extracting(Reply::status).allMatch(s -> s == 200 || s == 429 || s == 503);
		long admitted = replies.stream().filter(r -> r.status() == 200).count();
		long unavailable = replies.stream().filter(r -> r.status() == 503).count();
		assertThat(admitted).as("admitted through both servers").isLessThanOrEqualTo(5);
		// Fail-closed: a Redis call slower than the limiter's timeout is a 503, never an admission.
		if (unavailable == 0) {
			assertThat(admitted).isEqualTo(5);
			assertThat(replies).filteredOn(r -> r.status() == 200).extracting(r -> r.remaining("per-hour"))
					.containsExactlyInAnyOrder(4L, 3L, 2L, 1L, 0L);
		}
	}

	/**
	 * Each quota's {@code t} agrees with its {@code r}: with {@code r} whole tokens left (and less
	 * than one more), the time until full lies between refilling {@code q - r - 1} and {@code q - r}
	 * tokens. This holds however long the requests took.
	 */
	private static void assertConsistent(Reply reply, Map<String, Integer> quotas, Map<String, Integer> windows) {
		reply.rateLimit().forEach((name, rt) -> {
			double secondsPerToken = (double) windows.get(name) / quotas.get(name);
			long missingAtMost = quotas.get(name) - rt[0];
			long low = (long) Math.floor(Math.max(0, missingAtMost - 1) * secondsPerToken);
			long high = (long) Math.ceil(missingAtMost * secondsPerToken);
			assertThat(rt[1]).as("t of %s with r=%d in %s", name, rt[0], reply.header("RateLimit")).isBetween(low, high);
		});
	}

	/** The tokens a quota's bucket holds now, read from its TAT in Redis and Redis's own clock. */
	private static double redisTokens(String key, int quota, Duration window) {
		String tat = redis.commands().get(key);
		assertThat(tat).as("Redis holds %s", key).isNotNull();
		List<String> time = redis.commands().time();
		double nowMicros = (Long.parseLong(time.get(0)) - GCRA_EPOCH_SECONDS) * 1e6 + Long.parseLong(time.get(1));
		double interval = window.toNanos() / 1e3 / quota;
		return quota - Math.max(0, Double.parseDouble(tat) - nowMicros) / interval;
	}
}
