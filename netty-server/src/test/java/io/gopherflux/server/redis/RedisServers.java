package io.gopherflux.server.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.gopherflux.ratelimit.redis.FailurePolicy;
import io.gopherflux.server.GopherfluxServer;
import io.gopherflux.server.ServerConfig;

/** The servers a test starts, on one Redis or in memory, all shut down at the end. */
final class RedisServers implements AutoCloseable {

	private final RedisProcess redis;
	private final List<GopherfluxServer> started = new ArrayList<>();

	RedisServers(RedisProcess redis) {
		this.redis = redis;
	}

	/** Test clients are API keys, which must be known to the servers: this run's, numbered. */
	private static final String RUN = UUID.randomUUID().toString();
	private static final int KEYS = 1_000;
	private static final AtomicInteger NEXT = new AtomicInteger();

	/** A client key no other test uses (Redis keeps budgets between tests of a class), known to every server. */
	static String uniqueKey() {
		int n = NEXT.getAndIncrement();
		if (n >= KEYS) {
			throw new IllegalStateException("the " + KEYS + " test client keys are used up");
		}
		return key(n);
	}

	/** Every key {@link #uniqueKey()} can hand out. */
	static List<String> knownKeys() {
		return IntStream.range(0, KEYS).mapToObj(RedisServers::key).toList();
	}

	private static String key(int n) {
		return "client-" + RUN + "-" + n;
	}

	/** The Redis key of {@code apiKey}'s budget in one quota of the plan {@code free}. */
	static String budgetKey(String apiKey, String quota) {
		return "gopherflux:ratelimit:{free:key:" + apiKey + "}:" + quota;
	}

	/**
	 * A server limiting through Redis with {@code quotas}, returned once a request has been decided
	 * in Redis: the first call may outlast the limiter's short timeout while the connection is made.
	 */
	GopherfluxServer onRedis(String quotas, FailurePolicy policy) {
		GopherfluxServer server = start(ServerConfig.defaults().withPort(0).withPlans(Http.onePlan(quotas))
				.withRedis(redis.uri(), policy));
		awaitDecidedInRedis(server);
		return server;
	}

	/** A server with the same plan and the in-memory limiter. */
	GopherfluxServer inMemory(String quotas) {
		return start(ServerConfig.defaults().withPort(0).withPlans(Http.onePlan(quotas)));
	}

	/** Waits, bounded, until a request of a throwaway client left its budget in Redis and Redis counts as available. */
	void awaitDecidedInRedis(GopherfluxServer server) {
		String probe = uniqueKey();
		Http.await("a request decided in Redis at " + redis.uri(), Duration.ofSeconds(20), () -> {
			Http.getNow(server, Http.LIMITED, probe);
			return !redis.commands().keys(budgetKey(probe, "*")).isEmpty() && "redis".equals(Http.limiterState(server));
		});
	}

	private GopherfluxServer start(ServerConfig config) {
		GopherfluxServer server = GopherfluxServer.start(config);
		started.add(server);
		return server;
	}

	@Override
	public void close() {
		for (GopherfluxServer server : started) {
			server.shutdown(Duration.ofSeconds(1));
		}
		started.clear();
	}
}
