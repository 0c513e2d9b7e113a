package io.gopherflux.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.redis.FailurePolicy;
import io.gopherflux.ratelimit.redis.RedisRateLimiter;
import io.gopherflux.ratelimit.redis.RedisRateLimiterConfig;
import io.gopherflux.ratelimit.redis.RedisRateLimiters;
import io.gopherflux.ratelimit.redis.Tier;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * One rate-limiting decision against a local redis-server (or, with {@code -p seed=host:port}, a
 * local Redis Cluster), per call, on 1 and 2 threads sharing one key (as two callers of one
 * budget), and on 2 threads each going round {@value #KEYS} keys (many clients; on a cluster their
 * slots cover every master): gopherflux's {@link RedisRateLimiter} (one EVALSHA per
 * decision; {@code reserve(1, ZERO)}, Go's {@code AllowN}, waited for with {@code block()}) against Bucket4j's Lettuce backend (compare-and-swap: read the state, then a CAS script,
 * again on a lost race). Both buckets have a million tokens a second and a burst of a million, so
 * every call is granted and only the decision's cost is measured. gopherflux fails closed with a
 * one-second timeout, so every decision counted is Redis's. Run it with
 * {@code benchmarks/redis-bench.sh}, which starts redis-server and passes {@code -p port=N}, or
 * {@code benchmarks/redis-bench.sh --cluster}, which starts a cluster of three masters and three
 * replicas and passes {@code -p seed=host:port}: gopherflux then runs on its own cluster client
 * ({@code redis-cluster://} seeds, the URI factory) and Bucket4j on
 * {@code Bucket4jLettuce.casBasedBuilder(RedisClusterClient)}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({ Mode.SampleTime, Mode.Throughput })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisRateLimiterBenchmark {

	private static final long RATE = 1_000_000;

	/** How many budgets the many-keys benchmarks go round. */
	static final int KEYS = 48;

	@Param("6379")
	public int port;

	/**
	 * A node of a Redis Cluster, {@code host:port}, from which the clients learn the others;
	 * empty: the redis-server at {@link #port}. (One seed: JMH splits a parameter at commas.)
	 */
	@Param("")
	public String seed;

	RedisRateLimiters gopherfluxRedis;
	RedisRateLimiter gopherflux;
	RedisRateLimiter gopherfluxTwoTiers;
	RedisRateLimiter[] gopherfluxKeys;
	AbstractRedisClient bucket4jClient;
	BucketProxy bucket4j;
	BucketProxy[] bucket4jKeys;

	/** Each thread's place in the round of keys. */
	@State(Scope.Thread)
	public static class Cursor {
		int next;

		int next() {
			next = next + 1 == KEYS ? 0 : next + 1;
			return next;
		}
	}

	@Setup
	public void setUp() {
		boolean cluster = !seed.isEmpty();
		String uri = cluster ? "redis-cluster://" + seed : "redis://127.0.0.1:" + port;
		gopherfluxRedis = RedisRateLimiters.create(RedisRateLimiterConfig.builder(uri)
				.timeout(Duration.ofSeconds(1))
				.failurePolicy(FailurePolicy.FAIL_CLOSED)
				.build());
		gopherflux = gopherfluxRedis.limiter("bench-gopherflux", Tier.of("per-second", Limit.of(RATE), (int) RATE));
		gopherfluxTwoTiers = gopherfluxRedis.limiter("bench-gopherflux-tiers", Tier.of("per-second", Limit.of(RATE), (int) RATE),
				Tier.of("per-minute", Limit.per(60 * RATE, Duration.ofMinutes(1)), (int) RATE));

		LettuceBasedProxyManager<byte[]> proxyManager;
		if (cluster) {
			RedisClusterClient clusterClient = RedisClusterClient.create(uri.replace("redis-cluster://", "redis://"));
			bucket4jClient = clusterClient;
			proxyManager = Bucket4jLettuce.casBasedBuilder(clusterClient)
					.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
					.requestTimeout(Duration.ofSeconds(1))
					.build();
		}
		else {
			RedisClient client = RedisClient.create(uri);
			bucket4jClient = client;
			proxyManager = Bucket4jLettuce.casBasedBuilder(client)
					.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
					.requestTimeout(Duration.ofSeconds(1))
					.build();
		}
		BucketConfiguration configuration = BucketConfiguration.builder()
				.addLimit(limit -> limit.capacity(RATE).refillGreedy(RATE, Duration.ofSeconds(1)))
				.build();
		bucket4j = proxyManager.builder().build("bench-bucket4j".getBytes(StandardCharsets.UTF_8), () -> configuration);
		gopherfluxKeys = new RedisRateLimiter[KEYS];
		bucket4jKeys = new BucketProxy[KEYS];
		for (int i = 0; i < KEYS; i++) {
			gopherfluxKeys[i] = gopherfluxRedis.limiter("bench-gopherflux-" + i, Tier.of("per-second", Limit.of(RATE), (int) RATE));
			bucket4jKeys[i] = proxyManager.builder().build(("bench-bucket4j-" + i).getBytes(StandardCharsets.UTF_8), () -> configuration);
		}
		if (cluster) {
			Partitions view = ((RedisClusterClient) bucket4jClient).getPartitions();
			Map<String, Integer> gopherfluxSpread = new TreeMap<>();
			Map<String, Integer> bucket4jSpread = new TreeMap<>();
			for (int i = 0; i < KEYS; i++) {
				gopherfluxSpread.merge(view.getMasterBySlot(SlotHash.getSlot(gopherfluxKeys[i].keys().get(0))).getUri().toString(), 1,
						Integer::sum);
				bucket4jSpread.merge(view.getMasterBySlot(SlotHash.getSlot("bench-bucket4j-" + i)).getUri().toString(), 1, Integer::sum);
			}
			if (gopherfluxSpread.size() != 3 || bucket4jSpread.size() != 3) {
				throw new IllegalStateException("the keys do not cover the three masters: " + gopherfluxSpread + " " + bucket4jSpread);
			}
			System.out.printf("%nkeys per master: gopherflux %s, Bucket4j %s%n", gopherfluxSpread.values(), bucket4jSpread.values());
		}
	}

	@TearDown
	public void tearDown() {
		gopherfluxRedis.close();
		bucket4jClient.shutdown();
	}

	@Benchmark
	@Threads(1)
	public boolean gopherfluxReserve1() {
		return gopherflux.reserve(1, Duration.ZERO).block().ok();
	}

	@Benchmark
	@Threads(2)
	public boolean gopherfluxReserve2() {
		return gopherflux.reserve(1, Duration.ZERO).block().ok();
	}

	@Benchmark
	@Threads(1)
	public void gopherfluxAcquire1() {
		gopherflux.acquire().block();
	}

	@Benchmark
	@Threads(2)
	public void gopherfluxAcquire2() {
		gopherflux.acquire().block();
	}

	@Benchmark
	@Threads(1)
	public boolean gopherfluxTwoTiers1() {
		return gopherfluxTwoTiers.reserve(1, Duration.ZERO).block().ok();
	}

	@Benchmark
	@Threads(2)
	public boolean gopherfluxTwoTiers2() {
		return gopherfluxTwoTiers.reserve(1, Duration.ZERO).block().ok();
	}

	@Benchmark
	@Threads(1)
	public boolean bucket4jTryConsume1() {
		return bucket4j.tryConsume(1);
	}

	@Benchmark
	@Threads(2)
	public boolean bucket4jTryConsume2() {
		return bucket4j.tryConsume(1);
	}

	@Benchmark
	@Threads(2)
	public boolean gopherfluxManyKeys2(Cursor cursor) {
		return gopherfluxKeys[cursor.next()].reserve(1, Duration.ZERO).block().ok();
	}

	@Benchmark
	@Threads(2)
	public boolean bucket4jManyKeys2(Cursor cursor) {
		return bucket4jKeys[cursor.next()].tryConsume(1);
	}
}
