package io.gopherflux.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.MultiLimiter;
import io.gopherflux.ratelimit.NanoClock;
import io.gopherflux.ratelimit.RateLimit;
import io.gopherflux.ratelimit.TokenBucket;
import io.gopherflux.ratelimit.TokenBucketConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * A non-blocking "may I?" on a bucket that never runs dry (10^9 tokens a second, far more than the
 * calls), one shared limiter per benchmark, on 1 and on 2 threads: gopherflux's {@link TokenBucket}
 * against Bucket4j's lock-free bucket, Resilience4j's {@code AtomicRateLimiter} and Guava's
 * {@code RateLimiter}. {@code floor} is one {@code System.nanoTime()} plus one CAS, the least any
 * of them can do. {@code gopherflux} is a bucket with every setting at its default;
 * {@code gopherfluxSchedulerClock} and {@code gopherfluxSystemClock} set its clock explicitly, to
 * {@code Schedulers.parallel().now(NANOSECONDS)} and to {@code System.nanoTime()};
 * {@code multiLimiter} asks two such buckets at once.
 * <p>
 * {@code elements} and {@code batches} are per element, not per call: {@value #ELEMENTS} elements
 * of {@code Flux.range} through {@code RateLimit.elements} (a permit per element) and
 * {@code RateLimit.batches(64)} on one thread, every permit granted at once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RateLimiterBenchmark {

	private static final double RATE = 1e9;
	private static final int BURST = 1_000_000;
	static final int ELEMENTS = 1_000;

	TokenBucket gopherflux;
	TokenBucket gopherfluxSchedulerClock;
	TokenBucket gopherfluxSystemClock;
	MultiLimiter multiLimiter;
	Flux<Integer> elements;
	Flux<Integer> batches;
	Bucket bucket4j;
	AtomicRateLimiter resilience4j;
	com.google.common.util.concurrent.RateLimiter guava;
	final AtomicLong floorState = new AtomicLong();

	@Setup
	public void setUp() {
		gopherflux = TokenBucket.of(Limit.of(RATE), BURST);
		gopherfluxSchedulerClock = TokenBucket.of(TokenBucketConfig.builder(Limit.of(RATE), BURST)
				.clock(NanoClock.of(Schedulers.parallel()))
				.build());
		gopherfluxSystemClock = TokenBucket.of(TokenBucketConfig.builder(Limit.of(RATE), BURST)
				.clock(NanoClock.system())
				.build());
		multiLimiter = MultiLimiter.of(TokenBucket.of(Limit.of(RATE), BURST), TokenBucket.of(Limit.of(RATE / 2), BURST));
		elements = Flux.range(0, ELEMENTS).transform(RateLimit.elements(TokenBucket.of(Limit.of(RATE), BURST)));
		batches = Flux.range(0, ELEMENTS).transform(RateLimit.batches(TokenBucket.of(Limit.of(RATE), BURST), 64));
		bucket4j = Bucket.builder()
				.addLimit(limit -> limit.capacity(BURST).refillGreedy((long) RATE, Duration.ofSeconds(1)))
				.build();
		resilience4j = new AtomicRateLimiter("benchmark", RateLimiterConfig.custom()
				.limitForPeriod(1_000_000)
				.limitRefreshPeriod(Duration.ofMillis(1))
				.timeoutDuration(Duration.ZERO)
				.build());
		guava = com.google.common.util.concurrent.RateLimiter.create(RATE);
	}

	private boolean floorOnce() {
		long now = System.nanoTime();
		long current = floorState.get();
		return floorState.compareAndSet(current, Math.max(current, now) + 1);
	}

	@Benchmark
	@Threads(1)
	public boolean floor1() {
		return floorOnce();
	}

	@Benchmark
	@Threads(2)
	public boolean floor2() {
		return floorOnce();
	}

	@Benchmark
	@Threads(1)
	public boolean gopherflux1() {
		return gopherflux.tryAcquire();
	}

	@Benchmark
	@Threads(2)
	public boolean gopherflux2() {
		return gopherflux.tryAcquire();
	}

	@Benchmark
	@Threads(1)
	public boolean gopherfluxSchedulerClock1() {
		return gopherfluxSchedulerClock.tryAcquire();
	}

	@Benchmark
	@Threads(2)
	public boolean gopherfluxSchedulerClock2() {
		return gopherfluxSchedulerClock.tryAcquire();
	}

	@Benchmark
	@Threads(1)
	public boolean gopherfluxSystemClock1() {
		return gopherfluxSystemClock.tryAcquire();
	}

	@Benchmark
	@Threads(2)
	public boolean gopherfluxSystemClock2() {
		return gopherfluxSystemClock.tryAcquire();
	}

	@Benchmark
	@Threads(1)
	public boolean multiLimiter1() {
		return multiLimiter.tryAcquire();
	}

	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(ELEMENTS)
	public void elements(Blackhole blackhole) {
		elements.subscribe(blackhole::consume);
	}

	@Benchmark
	@Threads(1)
	@OperationsPerInvocation(ELEMENTS)
	public void batches(Blackhole blackhole) {
		batches.subscribe(blackhole::consume);
	}

	@Benchmark
	@Threads(1)
	public boolean bucket4j1() {
		return bucket4j.tryConsume(1);
	}

	@Benchmark
	@Threads(2)
	public boolean bucket4j2() {
		return bucket4j.tryConsume(1);
	}

	@Benchmark
	@Threads(1)
	public boolean resilience4j1() {
		return resilience4j.acquirePermission();
	}

	@Benchmark
	@Threads(2)
	public boolean resilience4j2() {
		return resilience4j.acquirePermission();
	}

	@Benchmark
	@Threads(1)
	public boolean guava1() {
		return guava.tryAcquire();
	}

	@Benchmark
	@Threads(2)
	public boolean guava2() {
		return guava.tryAcquire();
	}
}
