package io.gopherflux.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import io.lettuce.core.RedisClient;
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
 * One rate-limiting decision against a local redis-server, per call, on 1 and 2 threads sharing one
 * key (as two callers of one budget): gopherflux's {@link RedisRateLimiter} (one EVALSHA per
 * decision; {@code reserve(1, ZERO)}, Go's {@code AllowN}, waited for with {@code block()}) against Bucket4j's Lettuce backend (compare-and-swap: read the state, then a CAS script,
 * again on a lost race). Both buckets have a million tokens a second and a burst of a million, so
 * every call is granted and only the decision's cost is measured. gopherflux fails closed with a
 * one-second timeout, so every decision counted is Redis's. Run it with
 * {@code benchmarks/redis-bench.sh}, which starts redis-server and passes {@code -p port=N}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({ Mode.SampleTime, Mode.Throughput })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisRateLimiterBenchmark {

	private static final long RATE = 1_000_000;

	@Param("6379")
	public int port;

	RedisRateLimiters gopherfluxRedis;
	RedisRateLimiter gopherflux;
	RedisRateLimiter gopherfluxTwoTiers;
	RedisClient bucket4jClient;
	BucketProxy bucket4j;

	@Setup
	public void setUp() {
		String uri = "redis://127.0.0.1:" + port;
		gopherfluxRedis = RedisRateLimiters.create(RedisRateLimiterConfig.builder(uri)
				.timeout(Duration.ofSeconds(1))
				.failurePolicy(FailurePolicy.FAIL_CLOSED)
				.build());
		gopherflux = gopherfluxRedis.limiter("bench-gopherflux", Tier.of("per-second", Limit.of(RATE), (int) RATE));
		gopherfluxTwoTiers = gopherfluxRedis.limiter("bench-gopherflux-tiers", Tier.of("per-second", Limit.of(RATE), (int) RATE),
				Tier.of("per-minute", Limit.per(60 * RATE, Duration.ofMinutes(1)), (int) RATE));

		bucket4jClient = RedisClient.create(uri);
		LettuceBasedProxyManager<byte[]> proxyManager = Bucket4jLettuce.casBasedBuilder(bucket4jClient)
				.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
				.requestTimeout(Duration.ofSeconds(1))
				.build();
		BucketConfiguration configuration = BucketConfiguration.builder()
				.addLimit(limit -> limit.capacity(RATE).refillGreedy(RATE, Duration.ofSeconds(1)))
				.build();
		bucket4j = proxyManager.builder().build("bench-bucket4j".getBytes(StandardCharsets.UTF_8), () -> configuration);
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
}
