package io.gopherflux.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

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
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;

/**
 * Where the CPU of one decision goes on a local Redis Cluster: gopherflux's Redis limiter against
 * Bucket4j's Lettuce backend (CAS), 2 callers, on one key and on
 * {@value RedisRateLimiterBenchmark#KEYS} keys spread over the masters, in turns of a few seconds
 * (the first round dropped). Per turn it reads, before and after, the CPU time of this JVM and of
 * every redis-server ({@code /proc/PID/stat}: user and system), the machine's ({@code /proc/stat}:
 * softirq, and whatever the machine did besides), and the masters' and replicas'
 * {@code INFO commandstats}, and prints medians per decision: CPU µs by process, and Redis commands
 * per decision with Redis's own µs per call. Everything must run on this machine (it reads
 * {@code /proc}). Usage: {@code RedisCpuPerDecision host:port,host:port... [ROUNDS] [TURN_SECONDS] [SHAPES]},
 * SHAPES the indices of those to run, comma-separated (0 gopherflux on the many keys, 1 Bucket4j on them, 2 and
 * 3 the same on one key, 4 and 5 floors that limit nothing: a plain SET with an expiry and a plain GET per call on
 * the many keys, through Lettuce's synchronous cluster API; 0 to 3 by default).
 */
public final class RedisCpuPerDecision {

	private static final long TICKS_PER_SECOND = 100;

	private RedisCpuPerDecision() {
	}

	record Node(String address, boolean master, long pid, RedisCommands<String, String> commands) {
	}

	/** CPU ticks (user, system) of a process. */
	static long[] ticks(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return new long[] { Long.parseLong(fields[11]), Long.parseLong(fields[12]) };
	}

	/** The machine's ticks: busy outside softirq/irq, softirq+irq, idle. */
	static long[] machine() throws IOException {
		String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
		long user = Long.parseLong(f[1]) + Long.parseLong(f[2]);
		long system = Long.parseLong(f[3]);
		long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
		long irq = Long.parseLong(f[6]) + Long.parseLong(f[7]);
		return new long[] { user + system, irq, idle };
	}

	/** Per command: calls and µs. */
	static Map<String, long[]> commandStats(RedisCommands<String, String> redis) {
		Map<String, long[]> stats = new TreeMap<>();
		for (String line : redis.info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String command = line.substring("cmdstat_".length(), line.indexOf(':'));
				stats.put(command, new long[] { field(line, "calls="), field(line, "usec=") });
			}
		}
		return stats;
	}

	private static long field(String line, String name) {
		int start = line.indexOf(name) + name.length();
		int end = line.indexOf(',', start);
		return Long.parseLong(line.substring(start, end < 0 ? line.length() : end));
	}

	/** A snapshot of every counter. */
	static Map<String, Double> snapshot(List<Node> nodes) throws IOException {
		Map<String, Double> s = new LinkedHashMap<>();
		long[] jvm = ticks(ProcessHandle.current().pid());
		s.put("jvm usr", (double) jvm[0]);
		s.put("jvm sys", (double) jvm[1]);
		for (Node node : nodes) {
			long[] t = ticks(node.pid);
			String role = node.master ? "masters" : "replicas";
			s.merge(role + " usr", (double) t[0], Double::sum);
			s.merge(role + " sys", (double) t[1], Double::sum);
			for (Map.Entry<String, long[]> e : commandStats(node.commands).entrySet()) {
				s.merge(role + " calls " + e.getKey(), (double) e.getValue()[0], Double::sum);
				s.merge(role + " usec " + e.getKey(), (double) e.getValue()[1], Double::sum);
			}
		}
		long[] m = machine();
		s.put("machine busy", (double) m[0]);
		s.put("machine irq", (double) m[1]);
		s.put("machine idle", (double) m[2]);
		return s;
	}

	public static void main(String[] args) throws Exception {
		String seeds = args[0];
		int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
		long turnMillis = (args.length > 2 ? Long.parseLong(args[2]) : 3) * 1000;
		String only = "," + (args.length > 3 ? args[3] : "0,1,2,3") + ",";
		List<Node> nodes = new ArrayList<>();
		List<RedisClient> inspectors = new ArrayList<>();
		for (String address : seeds.split(",")) {
			RedisClient inspector = RedisClient.create("redis://" + address);
			inspectors.add(inspector);
			RedisCommands<String, String> commands = inspector.connect().sync();
			long pid = Long.parseLong(commands.info("server").lines().filter(l -> l.startsWith("process_id:")).findFirst()
					.orElseThrow().substring("process_id:".length()).trim());
			nodes.add(new Node(address, commands.info("replication").contains("role:master"), pid, commands));
		}
		RedisRateLimiters gopherfluxRedis = RedisRateLimiters.create(RedisRateLimiterConfig.builder("redis-cluster://" + seeds)
				.timeout(Duration.ofSeconds(1)).failurePolicy(FailurePolicy.FAIL_CLOSED).build());
		RedisClusterClient bucket4jClient = RedisClusterClient.create("redis://" + seeds.split(",")[0]);
		LettuceBasedProxyManager<byte[]> proxyManager = Bucket4jLettuce.casBasedBuilder(bucket4jClient)
				.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
				.requestTimeout(Duration.ofSeconds(1))
				.build();
		BucketConfiguration configuration = BucketConfiguration.builder()
				.addLimit(limit -> limit.capacity(1_000_000).refillGreedy(1_000_000, Duration.ofSeconds(1)))
				.build();
		int keys = RedisRateLimiterBenchmark.KEYS;
		RedisRateLimiter gopherflux = gopherfluxRedis.limiter("cpu-gopherflux", Tier.of("per-second", Limit.of(1e6), 1_000_000));
		BucketProxy bucket4j = proxyManager.builder().build("cpu-bucket4j".getBytes(StandardCharsets.UTF_8), () -> configuration);
		RedisRateLimiter[] gopherfluxKeys = new RedisRateLimiter[keys];
		BucketProxy[] bucket4jKeys = new BucketProxy[keys];
		for (int i = 0; i < keys; i++) {
			gopherfluxKeys[i] = gopherfluxRedis.limiter("cpu-gopherflux-" + i, Tier.of("per-second", Limit.of(1e6), 1_000_000));
			bucket4jKeys[i] = proxyManager.builder().build(("cpu-bucket4j-" + i).getBytes(StandardCharsets.UTF_8), () -> configuration);
		}
		// Not limiters: what one light round trip costs on the same keys' masters, as floors. SET with an
		// expiry is the least any limiter keeping its state in Redis writes (and replicates) per decision.
		RedisAdvancedClusterCommands<String, String> plain = bucket4jClient.connect().sync();
		String[] plainKeys = new String[keys];
		for (int i = 0; i < keys; i++) {
			plainKeys[i] = "cpu-plain-" + i;
		}
		String[] names = { "gopherflux, " + keys + " keys", "bucket4j, " + keys + " keys", "gopherflux, 1 key", "bucket4j, 1 key",
				"floor: SET PX, " + keys + " keys", "floor: GET, " + keys + " keys" };
		IntPredicate[] decides = { i -> gopherfluxKeys[i % keys].reserve(1, Duration.ZERO).block().ok(),
				i -> bucket4jKeys[i % keys].tryConsume(1), i -> gopherflux.reserve(1, Duration.ZERO).block().ok(),
				i -> bucket4j.tryConsume(1), i -> "OK".equals(plain.set(plainKeys[i % keys], "1", SetArgs.Builder.px(10_000))),
				i -> {
					plain.get(plainKeys[i % keys]);
					return true;
				} };
		List<List<Map<String, Double>>> perDecision = new ArrayList<>();
		for (int d = 0; d < decides.length; d++) {
			perDecision.add(new ArrayList<>());
		}
		for (int round = 0; round < rounds; round++) {
			for (int d = 0; d < decides.length; d++) {
				if (!only.contains("," + d + ",")) {
					continue;
				}
				Map<String, Double> before = snapshot(nodes);
				long decided = RedisRoundTrips.turn(decides[d], turnMillis);
				Map<String, Double> after = snapshot(nodes);
				if (round == 0) {
					continue;
				}
				Map<String, Double> per = new LinkedHashMap<>();
				per.put("decisions/s", decided * 1000.0 / turnMillis);
				for (Map.Entry<String, Double> e : after.entrySet()) {
					double delta = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
					String key = e.getKey();
					if (key.contains(" calls ") || key.contains(" usec ")) {
						if (delta > 0) {
							per.put(key, delta / decided);
						}
					}
					else {
						per.put(key, delta * 1e6 / TICKS_PER_SECOND / decided);
					}
				}
				perDecision.get(d).add(per);
			}
		}
		for (int d = 0; d < decides.length; d++) {
			if (!perDecision.get(d).isEmpty()) {
				print(names[d], perDecision.get(d));
			}
		}
		gopherfluxRedis.close();
		bucket4jClient.shutdown();
		for (RedisClient inspector : inspectors) {
			inspector.shutdown();
		}
	}

	private static void print(String name, List<Map<String, Double>> turns) {
		Map<String, List<Double>> values = new LinkedHashMap<>();
		for (Map<String, Double> turn : turns) {
			turn.forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
		}
		System.out.printf("%n%s (median of %d turns)%n", name, turns.size());
		StringBuilder cpu = new StringBuilder();
		double accounted = 0;
		for (Map.Entry<String, List<Double>> e : values.entrySet()) {
			double median = median(e.getValue());
			String key = e.getKey();
			if (key.equals("decisions/s")) {
				System.out.printf("  decisions/s %.0f  turns %s%n", median,
						e.getValue().stream().map(v -> String.format("%.0f", v)).toList());
			}
			else if (key.contains(" calls ")) {
				String usecKey = key.replace(" calls ", " usec ");
				double usec = values.containsKey(usecKey) ? median(values.get(usecKey)) : 0;
				if (median >= 0.01) {
					System.out.printf("  %-34s %.3f per decision, %.2f µs per call%n", key, median, usec / median);
				}
			}
			else if (!key.contains(" usec ")) {
				cpu.append(String.format("  %-14s %7.1f µs%n", key, median));
				if (!key.startsWith("machine")) {
					accounted += median;
				}
			}
		}
		System.out.print("  CPU per decision:\n" + cpu);
		System.out.printf("  %-14s %7.1f µs (the processes above; machine busy includes them and everything else)%n", "sum", accounted);
	}

	private static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}
}
