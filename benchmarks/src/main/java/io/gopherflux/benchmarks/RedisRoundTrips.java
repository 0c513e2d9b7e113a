package io.gopherflux.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

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
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;

/**
 * Counts round trips per decision for gopherflux's Redis limiter and Bucket4j's Lettuce backend, with
 * 1 and 2 callers on one key, and the commands Redis ran per decision ({@code INFO commandstats},
 * which counts the commands inside scripts too). Round trips are the commands a client sent: for
 * gopherflux every one is an EVALSHA (or an EVAL after a reload), read from the server's stats; for
 * Bucket4j they are counted on its Lettuce client by a {@link CommandListener}. Same buckets as
 * {@link RedisRateLimiterBenchmark}. Usage: {@code RedisRoundTrips PORT [DECISIONS]}.
 * <p>
 * {@code RedisRoundTrips --cluster host:port,host:port... [DECISIONS]} does the same on a Redis
 * Cluster (gopherflux on its own cluster client from a {@code redis-cluster://} URI, Bucket4j on a
 * {@code RedisClusterClient}), adding 2 callers going round {@value RedisRateLimiterBenchmark#KEYS}
 * keys spread over the masters; Redis's counters are summed over the masters (a replica runs no
 * script, only the effects its master sends it), and the spread of gopherflux's scripts over the masters
 * is printed. The first round of the many keys is warm-up too, so that the one EVAL per master
 * after a fresh start (NOSCRIPT) is not counted.
 * <p>
 * Last, in either mode, decisions per second with 2 callers, gopherflux and Bucket4j on one key
 * and on the many keys taking turns of a few seconds, so that the load of a shared machine, which
 * drifts over the minutes a JMH run takes, weighs on both alike.
 */
public final class RedisRoundTrips {

	private RedisRoundTrips() {
	}

	@SuppressWarnings("unchecked")
	public static void main(String[] args) throws Exception {
		boolean cluster = args[0].equals("--cluster");
		List<String> nodes = new ArrayList<>();
		if (cluster) {
			for (String node : args[1].split(",")) {
				nodes.add("redis://" + node);
			}
		}
		else {
			nodes.add("redis://127.0.0.1:" + Integer.parseInt(args[0]));
		}
		int next = cluster ? 2 : 1;
		int decisions = args.length > next ? Integer.parseInt(args[next]) : 20_000;
		String uri = cluster ? "redis-cluster://" + args[1] : nodes.get(0);
		List<RedisClient> inspectors = new ArrayList<>();
		List<RedisCommands<String, String>> redis = new ArrayList<>();
		for (String node : new ArrayList<>(nodes)) {
			RedisClient inspector = RedisClient.create(node);
			inspectors.add(inspector);
			RedisCommands<String, String> commands = inspector.connect().sync();
			// A replica runs no script, only the effects its master sends it: the masters' counters are the decisions'.
			if (commands.info("replication").contains("role:master")) {
				redis.add(commands);
			}
			else {
				nodes.remove(node);
			}
		}

		RedisRateLimiters gopherfluxRedis = RedisRateLimiters.create(RedisRateLimiterConfig.builder(uri)
				.timeout(Duration.ofSeconds(1)).failurePolicy(FailurePolicy.FAIL_CLOSED).build());
		RedisRateLimiter gopherflux = gopherfluxRedis.limiter("rt-gopherflux", Tier.of("per-second", Limit.of(1e6), 1_000_000));
		RedisRateLimiter twoTiers = gopherfluxRedis.limiter("rt-gopherflux-tiers", Tier.of("per-second", Limit.of(1e6), 1_000_000),
				Tier.of("per-minute", Limit.per(60_000_000, Duration.ofMinutes(1)), 1_000_000));
		AbstractRedisClient bucket4jClient = cluster ? RedisClusterClient.create(uri.replace("redis-cluster://", "redis://"))
				: RedisClient.create(uri);
		AtomicLong bucket4jSent = new AtomicLong();
		bucket4jClient.addListener(new CommandListener() {
			@Override
			public void commandStarted(CommandStartedEvent event) {
				bucket4jSent.incrementAndGet();
			}
		});
		LettuceBasedProxyManager<byte[]> proxyManager = (cluster
				? Bucket4jLettuce.casBasedBuilder((RedisClusterClient) bucket4jClient)
				: Bucket4jLettuce.casBasedBuilder((RedisClient) bucket4jClient))
				.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
				.build();
		BucketConfiguration configuration = BucketConfiguration.builder()
				.addLimit(limit -> limit.capacity(1_000_000).refillGreedy(1_000_000, Duration.ofSeconds(1)))
				.build();
		BucketProxy bucket4j = proxyManager.builder().build("rt-bucket4j".getBytes(StandardCharsets.UTF_8), () -> configuration);
		int keys = RedisRateLimiterBenchmark.KEYS;
		RedisRateLimiter[] gopherfluxKeys = new RedisRateLimiter[keys];
		BucketProxy[] bucket4jKeys = new BucketProxy[keys];
		for (int i = 0; i < keys; i++) {
			gopherfluxKeys[i] = gopherfluxRedis.limiter("rt-gopherflux-" + i, Tier.of("per-second", Limit.of(1e6), 1_000_000));
			bucket4jKeys[i] = proxyManager.builder().build(("rt-bucket4j-" + i).getBytes(StandardCharsets.UTF_8), () -> configuration);
		}

		LongSupplier scriptCalls = () -> {
			Map<String, Long> calls = commandCalls(redis);
			return calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L);
		};
		System.out.printf("%-22s %12s %10s %12s  %s%n", "limiter", "callers", "decisions", "round trips", "commands Redis ran, per decision");
		for (int callers : new int[] { 1, 2 }) {
			count(redis, "gopherflux", callers + " on 1 key", callers, decisions, i -> gopherflux.reserve(1, Duration.ZERO).block().ok(),
					scriptCalls);
			count(redis, "gopherflux, two tiers", callers + " on 1 key", callers, decisions,
					i -> twoTiers.reserve(1, Duration.ZERO).block().ok(), scriptCalls);
			count(redis, "bucket4j (CAS)", callers + " on 1 key", callers, decisions, i -> bucket4j.tryConsume(1), bucket4jSent::get);
		}
		List<Map<String, Long>> before = perNode(redis);
		count(redis, "gopherflux", "2 on " + keys + " keys", 2, decisions,
				i -> gopherfluxKeys[i % keys].reserve(1, Duration.ZERO).block().ok(), scriptCalls);
		List<Map<String, Long>> after = perNode(redis);
		count(redis, "bucket4j (CAS)", "2 on " + keys + " keys", 2, decisions, i -> bucket4jKeys[i % keys].tryConsume(1),
				bucket4jSent::get);
		if (cluster) {
			StringBuilder spread = new StringBuilder();
			for (int n = 0; n < nodes.size(); n++) {
				long calls = after.get(n).getOrDefault("evalsha", 0L) - before.get(n).getOrDefault("evalsha", 0L)
						+ after.get(n).getOrDefault("eval", 0L) - before.get(n).getOrDefault("eval", 0L);
				spread.append(String.format("  %s %d", nodes.get(n).substring("redis://".length()), calls));
			}
			System.out.println("gopherflux's scripts on " + keys + " keys, per master (warm-up included):" + spread);
		}
		interleaved(new String[] { "gopherflux, 1 key", "bucket4j (CAS), 1 key", "gopherflux, " + keys + " keys",
				"bucket4j (CAS), " + keys + " keys" }, new IntPredicate[] { i -> gopherflux.reserve(1, Duration.ZERO).block().ok(),
						i -> bucket4j.tryConsume(1), i -> gopherfluxKeys[i % keys].reserve(1, Duration.ZERO).block().ok(),
						i -> bucket4jKeys[i % keys].tryConsume(1) });
		gopherfluxRedis.close();
		bucket4jClient.shutdown();
		for (RedisClient inspector : inspectors) {
			inspector.shutdown();
		}
	}

	/** Rounds of {@link #interleaved}; the first is warm-up. */
	private static final int ROUNDS = 6;
	private static final Duration ROUND = Duration.ofSeconds(2);

	/**
	 * Decisions per second of each of {@code decides} with 2 callers, in turns of {@link #ROUND}
	 * ({@value #ROUNDS} turns each, the first dropped): on a shared machine whose load drifts
	 * over minutes, turns a few seconds apart see about the same load, so the ratios of their
	 * medians are fairer than those of benchmarks run one after the other.
	 */
	private static void interleaved(String[] names, IntPredicate[] decides) throws InterruptedException {
		long[][] rates = new long[decides.length][ROUNDS - 1];
		for (int round = 0; round < ROUNDS; round++) {
			for (int d = 0; d < decides.length; d++) {
				long decided = turn(decides[d], ROUND.toMillis());
				if (round > 0) {
					rates[d][round - 1] = decided * 1000 / ROUND.toMillis();
				}
			}
		}
		System.out.printf("%nDecisions per second, 2 callers, %d turns of %d s each in rotation after one of warm-up:%n", ROUNDS - 1,
				ROUND.toSeconds());
		for (int d = 0; d < decides.length; d++) {
			long[] sorted = rates[d].clone();
			Arrays.sort(sorted);
			System.out.printf("%-28s median %6d  turns %s%n", names[d], sorted[sorted.length / 2], Arrays.toString(rates[d]));
		}
	}

	/** Runs {@code decide} on 2 caller threads for {@code millis}; the decisions made. */
	static long turn(IntPredicate decide, long millis) throws InterruptedException {
		AtomicLong decided = new AtomicLong();
		AtomicBoolean running = new AtomicBoolean(true);
		Thread[] callers = new Thread[2];
		for (int t = 0; t < callers.length; t++) {
			int offset = t * 7;
			callers[t] = new Thread(() -> {
				for (int i = offset; running.get(); i++) {
					if (!decide.test(i)) {
						throw new IllegalStateException("refused: the bucket should never run dry here");
					}
					decided.incrementAndGet();
				}
			});
			callers[t].start();
		}
		Thread.sleep(millis);
		running.set(false);
		for (Thread caller : callers) {
			caller.join();
		}
		return decided.get();
	}

	private static List<Map<String, Long>> perNode(List<RedisCommands<String, String>> redis) {
		List<Map<String, Long>> calls = new ArrayList<>();
		for (RedisCommands<String, String> node : redis) {
			calls.add(commandCalls(List.of(node)));
		}
		return calls;
	}

	private static void count(List<RedisCommands<String, String>> redis, String name, String shape, int callers, int decisions,
			IntPredicate decide, LongSupplier sent) throws InterruptedException {
		for (int i = 0; i < 1_000; i++) {
			decide.test(i);
		}
		Map<String, Long> before = commandCalls(redis);
		long sentBefore = sent.getAsLong();
		Thread[] threads = new Thread[callers];
		for (int t = 0; t < callers; t++) {
			int offset = t * 7;
			threads[t] = new Thread(() -> {
				for (int i = 0; i < decisions / callers; i++) {
					if (!decide.test(offset + i)) {
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
			// The inspector's INFO and the cluster clients' topology refreshes are not decisions.
			if (d > 0 && !housekeeping(e.getKey())) {
				delta.put(e.getKey(), d);
				total += d;
			}
		}
		StringBuilder perCommand = new StringBuilder();
		delta.forEach((command, calls) -> perCommand.append(String.format("%s %.3f  ", command, calls / (double) decisions)));
		System.out.printf("%-22s %12s %10d %12.3f  %.3f: %s%n", name, shape, decisions, roundTrips / (double) decisions,
				total / (double) decisions, perCommand);
	}

	private static boolean housekeeping(String command) {
		return command.equals("info") || command.equals("ping") || command.equals("hello") || command.startsWith("cluster|")
				|| command.startsWith("client|") || command.startsWith("command|");
	}

	/** {@code INFO commandstats} calls per command, summed over {@code nodes}. */
	private static Map<String, Long> commandCalls(List<RedisCommands<String, String>> nodes) {
		Map<String, Long> calls = new TreeMap<>();
		for (RedisCommands<String, String> redis : nodes) {
			for (String line : redis.info("commandstats").split("\r?\n")) {
				if (line.startsWith("cmdstat_")) {
					String command = line.substring("cmdstat_".length(), line.indexOf(':'));
					int start = line.indexOf("calls=") + "calls=".length();
					calls.merge(command, Long.parseLong(line.substring(start, line.indexOf(',', start))), Long::sum);
				}
			}
		}
		return calls;
	}
}
