package io.gopherflux.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.BooleanSupplier;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.redis.FailurePolicy;
import io.gopherflux.ratelimit.redis.RedisRateLimiter;
import io.gopherflux.ratelimit.redis.RedisRateLimiterConfig;
import io.gopherflux.ratelimit.redis.RedisRateLimiters;
import io.gopherflux.ratelimit.redis.Tier;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;

/**
 * Counts round trips per decision for gopherflux's Redis limiter and Bucket4j's Lettuce backend, with
 * 1 and 2 callers on one key, and the commands Redis ran per decision ({@code INFO commandstats},
 * which counts the commands inside scripts too). Round trips are the commands a client sent: for
 * gopherflux every one is an EVALSHA (or an EVAL after a reload), read from the server's stats; for
 * Bucket4j they are counted on its Lettuce client by a {@link CommandListener}. Same buckets as
 * {@link RedisRateLimiterBenchmark}. Usage: {@code RedisRoundTrips PORT [DECISIONS]}.
 */
public final class RedisRoundTrips {

	private RedisRoundTrips() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		int decisions = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
		String uri = "redis://127.0.0.1:" + port;
		RedisClient inspector = RedisClient.create(uri);
		RedisCommands<String, String> redis = inspector.connect().sync();

		RedisRateLimiters gopherfluxRedis = RedisRateLimiters.create(RedisRateLimiterConfig.builder(uri)
				.timeout(Duration.ofSeconds(1)).failurePolicy(FailurePolicy.FAIL_CLOSED).build());
		RedisRateLimiter gopherflux = gopherfluxRedis.limiter("rt-gopherflux", Tier.of("per-second", Limit.of(1e6), 1_000_000));
		RedisRateLimiter twoTiers = gopherfluxRedis.limiter("rt-gopherflux-tiers", Tier.of("per-second", Limit.of(1e6), 1_000_000),
				Tier.of("per-minute", Limit.per(60_000_000, Duration.ofMinutes(1)), 1_000_000));
		RedisClient bucket4jClient = RedisClient.create(uri);
		AtomicLong bucket4jSent = new AtomicLong();
		bucket4jClient.addListener(new CommandListener() {
			@Override
			public void commandStarted(CommandStartedEvent event) {
				bucket4jSent.incrementAndGet();
			}
		});
		BucketProxy bucket4j = Bucket4jLettuce.casBasedBuilder(bucket4jClient)
				.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
				.build()
				.builder()
				.build("rt-bucket4j".getBytes(StandardCharsets.UTF_8), () -> BucketConfiguration.builder()
						.addLimit(limit -> limit.capacity(1_000_000).refillGreedy(1_000_000, Duration.ofSeconds(1)))
						.build());

		LongSupplier scriptCalls = () -> {
			Map<String, Long> calls = commandCalls(redis);
			return calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L);
		};
		System.out.printf("%-22s %7s %10s %12s  %s%n", "limiter", "callers", "decisions", "round trips", "commands Redis ran, per decision");
		for (int callers : new int[] { 1, 2 }) {
			count(redis, "gopherflux", callers, decisions, () -> gopherflux.reserve(1, Duration.ZERO).block().ok(), scriptCalls);
			count(redis, "gopherflux, two tiers", callers, decisions, () -> twoTiers.reserve(1, Duration.ZERO).block().ok(),
					scriptCalls);
			count(redis, "bucket4j (CAS)", callers, decisions, () -> bucket4j.tryConsume(1), bucket4jSent::get);
		}
		gopherfluxRedis.close();
		bucket4jClient.shutdown();
		inspector.shutdown();
	}

	private static void count(RedisCommands<String, String> redis, String name, int callers, int decisions,
			BooleanSupplier decide, LongSupplier sent) throws InterruptedException {
		for (int i = 0; i < 1_000; i++) {
			decide.getAsBoolean();
		}
		Map<String, Long> before = commandCalls(redis);
		long sentBefore = sent.getAsLong();
		Thread[] threads = new Thread[callers];
		for (int t = 0; t < callers; t++) {
			threads[t] = new Thread(() -> {
				for (int i = 0; i < decisions / callers; i++) {
					if (!decide.getAsBoolean()) {
						throw new IllegalStateException(name + " refused: the bucket should never run dry here");
					}
				}
			});
			threads[t].start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		long roundTrips = sent.getAsLong() - sentBefore;
		Map<String, Long> after = commandCalls(redis);
		Map<String, Long> delta = new TreeMap<>();
		long total = 0;
		for (Map.Entry<String, Long> e : after.entrySet()) {
			long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
			// The inspector's own INFO calls are not the limiters'.
			if (d > 0 && !e.getKey().equals("info")) {
				delta.put(e.getKey(), d);
				total += d;
			}
		}
		StringBuilder perCommand = new StringBuilder();
		delta.forEach((command, calls) -> perCommand.append(String.format("%s %.3f  ", command, calls / (double) decisions)));
		System.out.printf("%-22s %7d %10d %12.3f  %.3f: %s%n", name, callers, decisions, roundTrips / (double) decisions,
				total / (double) decisions, perCommand);
	}

	private static Map<String, Long> commandCalls(RedisCommands<String, String> redis) {
		Map<String, Long> calls = new TreeMap<>();
		for (String line : redis.info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String command = line.substring("cmdstat_".length(), line.indexOf(':'));
				int start = line.indexOf("calls=") + "calls=".length();
				calls.put(command, Long.parseLong(line.substring(start, line.indexOf(',', start))));
			}
		}
		return calls;
	}
}
