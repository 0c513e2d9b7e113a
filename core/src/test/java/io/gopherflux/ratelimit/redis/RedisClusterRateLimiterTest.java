package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.redis.RedisCluster.Node;
import io.gopherflux.ratelimit.redis.RedisCluster.SlotMigration;
import io.gopherflux.ratelimit.redis.RedisCluster.Topology;
import io.gopherflux.ratelimit.redis.RedisRateLimiter.Granted;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.test.util.LoggerUtils;
import reactor.test.util.TestLogger;

/**
 * The Redis limiter on a real Redis Cluster of three masters with a replica each, started once for
 * the class: keys of many clients spread over every master with each client's tiers in one slot,
 * hostile keys, one round trip per decision, one budget kept by two instances, a slot migrating
 * (TRYAGAIN, ASK, MOVED), and a master SIGKILLed mid-run under each failure policy. The tests that
 * change the topology run last and leave the cluster whole.
 * <p>
 * Nothing asserts on timing: bounds count what Redis granted, on Redis's own clock (every grant
 * carries the time of the master that made it), and durations are printed.
 */
@ExtendWith(RedisClusterInstalled.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterRateLimiterTest {

	private static final Duration MINUTE = Duration.ofMinutes(1);
	private static final Duration LONG_ENOUGH = Duration.ofSeconds(60);

	private static RedisCluster cluster;
	private static ClientResources resources;
	/** The application's client, set as this package's javadoc advises. */
	private static RedisClusterClient client;

	@BeforeAll
	static void start() {
		cluster = RedisCluster.start();
		resources = DefaultClientResources.create();
		client = RedisClusterClient.create(resources, cluster.seeds());
		client.setOptions(ClusterClientOptions.builder()
				.nodeFilter(ClusterEndpoint.LIVE_NODES)
				.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
						.adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
						.enablePeriodicRefresh(Duration.ofSeconds(1))
						.build())
				.build());
	}

	@AfterAll
	static void stop() {
		if (client != null) {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
		if (resources != null) {
			resources.shutdown(0, 2, TimeUnit.SECONDS);
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	private static RedisRateLimiterConfig.Builder lent(RecordingRedisMetrics metrics) {
		return RedisRateLimiterConfig.builder().name("on-the-apps-client").metrics(metrics).redisMetrics(metrics);
	}

	/** The URI syntax of the server's --redis-uri: every node as a seed. */
	private static String clusterUri() {
		return "redis-cluster://" + cluster.nodes().stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
	}

	private static RedisRateLimiterConfig.Builder own(RecordingRedisMetrics metrics) {
		return RedisRateLimiterConfig.builder(clusterUri()).name("own-client").metrics(metrics).redisMetrics(metrics);
	}

	private static Tier perMinute(int count) {
		return Tier.of("per-minute", Limit.per(count, MINUTE), count);
	}

	/** A tier whose keys live for an hour once used, so that the tests can look at them. */
	private static Tier perHour(int count) {
		return Tier.of("per-hour", Limit.per(count, Duration.ofHours(1)), count);
	}

	private static TieredReservation decide(RedisRateLimiter limiter) {
		return limiter.reserve(1, Duration.ZERO).block();
	}

	/** Per master: EVALSHA and EVAL calls so far (INFO commandstats). */
	private static Map<Node, long[]> scriptCalls() {
		Map<Node, long[]> calls = new HashMap<>();
		for (Node master : cluster.topology().masters()) {
			calls.put(master, new long[] { cluster.calls(master, "evalsha"), cluster.calls(master, "eval") });
		}
		return calls;
	}

	private static long[] delta(Map<Node, long[]> before, Map<Node, long[]> after) {
		long[] sum = new long[2];
		for (Map.Entry<Node, long[]> e : after.entrySet()) {
			long[] was = before.getOrDefault(e.getKey(), new long[2]);
			sum[0] += e.getValue()[0] - was[0];
			sum[1] += e.getValue()[1] - was[1];
		}
		return sum;
	}

	private static void eventually(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + LONG_ENOUGH.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("not within " + LONG_ENOUGH + ": " + what);
			}
			LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
		}
	}

	@Test
	@Order(1)
	void keysOfManyClientsSpreadOverEveryMasterEachClientsTiersInOneSlotOneRoundTripEach() {
		RecordingRedisMetrics metrics = new RecordingRedisMetrics();
		try (RedisRateLimiters limiters = RedisRateLimiters.on(client, lent(metrics).timeout(Duration.ofSeconds(5))
				.failurePolicy(FailurePolicy.FAIL_CLOSED).build())) {
			Topology topology = cluster.topology();
			int clients = 300;
			Map<Node, Integer> perMaster = new HashMap<>();
			List<RedisRateLimiter> budgets = new ArrayList<>();
			Map<Node, long[]> before = scriptCalls();
			for (int i = 0; i < clients; i++) {
				RedisRateLimiter limiter = limiters.limiter("client-" + i, perMinute(100), perHour(1000));
				budgets.add(limiter);
				assertThat(limiter.keys()).hasSize(2);
				assertThat(SlotHash.getSlot(limiter.keys().get(1))).as("client-%d's tiers", i).isEqualTo(SlotHash.getSlot(limiter.keys().get(0)));
				assertThat(decide(limiter).ok()).isTrue();
				Node owner = topology.ownerOf(limiter.keys().get(0));
				perMaster.merge(owner, 1, Integer::sum);
				// Written by the script on the slot's master (a master answers MOVED for a key it does not own).
				for (String key : limiter.keys()) {
					assertThat(cluster.commands(owner).exists(key)).as(key + " on " + owner).isOne();
				}
			}
			long[] first = delta(before, scriptCalls());

			Map<Node, long[]> warm = scriptCalls();
			for (RedisRateLimiter limiter : budgets) {
				assertThat(decide(limiter).ok()).isTrue();
			}
			long[] second = delta(warm, scriptCalls());

			assertThat(perMaster.keySet()).containsExactlyInAnyOrderElementsOf(topology.masters());
			assertThat(perMaster.values()).allSatisfy(count -> assertThat(count).isGreaterThan(clients / 5));
			// The first decision on each master met NOSCRIPT (a fresh cluster): EVALSHA, then EVAL, once per master.
			assertThat(first[0]).as("EVALSHA, one per decision").isEqualTo(clients);
			assertThat(first[1]).as("EVAL after NOSCRIPT").isEqualTo(metrics.reloads.get()).isLessThanOrEqualTo(3);
			assertThat(second).as("then one round trip per decision, nothing else").containsExactly(clients, 0);
			System.out.printf("RedisClusterRateLimiterTest: %d clients over masters %s%n", clients, perMaster.values());
		}
	}

	@Test
	@Order(2)
	void hostileKeysKeepEveryTierInOneSlotAndABudgetOfTheirOwn() {
		RecordingRedisMetrics metrics = new RecordingRedisMetrics();
		// One failure would make Redis unavailable, and any error refuses: a broken hash tag could not hide.
		// A prefix of its own: some hostile keys (client-1) are ordinary keys another test used, whose TATs may still live.
		try (RedisRateLimiters limiters = RedisRateLimiters.create(own(metrics).timeout(Duration.ofSeconds(5))
				.keyPrefix("gopherflux:hostile:").failureThreshold(1).failurePolicy(FailurePolicy.FAIL_CLOSED).build())) {
			Topology topology = cluster.topology();
			Set<String> redisKeys = new HashSet<>();
			Set<Node> owners = new HashSet<>();
			for (String key : BudgetTest.HOSTILE_KEYS) {
				RedisRateLimiter limiter = limiters.limiter(key, Tier.of("per-second", Limit.of(10), 10), perMinute(2), perHour(3));

				assertThat(List.of(decide(limiter).ok(), decide(limiter).ok(), decide(limiter).ok()))
						.as("'%s': decided in Redis, its own per-minute tier", key.length() > 20 ? key.substring(0, 20) : key)
						.containsExactly(true, true, false);
				Node owner = topology.ownerOf(limiter.keys().get(0));
				owners.add(owner);
				for (String redisKey : limiter.keys()) {
					assertThat(cluster.commands(owner).exists(redisKey)).isOne();
					assertThat(redisKeys.add(redisKey)).as("a key of its own").isTrue();
				}
			}
			assertThat(metrics.changes).isEmpty();
			assertThat(owners).as("hostile keys are spread too").hasSizeGreaterThan(1);
		}
	}

	@Test
	@Order(3)
	void twoInstancesOnTheClusterKeepOneBudget() throws Exception {
		double rate = 100;
		int burst = 100;
		Duration window = Duration.ofSeconds(10);
		RecordingRedisMetrics metrics = new RecordingRedisMetrics();
		try (RedisRateLimiters first = RedisRateLimiters.on(client, lent(metrics).timeout(Duration.ofSeconds(5))
				.failurePolicy(FailurePolicy.FAIL_CLOSED).build());
				RedisRateLimiters second = RedisRateLimiters.create(own(metrics).timeout(Duration.ofSeconds(5))
						.failurePolicy(FailurePolicy.FAIL_CLOSED).build())) {
			String key = "one-budget";
			Tier tier = Tier.of("per-second", Limit.of(rate), burst);
			Caller[] callers = { new Caller(first.limiter(key, tier)), new Caller(second.limiter(key, tier)) };
			long start = System.nanoTime();
			for (Caller caller : callers) {
				caller.start();
			}
			LockSupport.parkNanos(window.toNanos());
			for (Caller caller : callers) {
				caller.stop();
			}
			double wallSeconds = (System.nanoTime() - start) / 1e9;

			List<Granted> grants = new ArrayList<>(callers[0].grants);
			grants.addAll(callers[1].grants);
			double redisSeconds = (grants.stream().mapToDouble(g -> g.redisNowMicros).max().orElseThrow()
					- grants.stream().mapToDouble(g -> g.redisNowMicros).min().orElseThrow()) / 1e6;
			double ideal = rate * redisSeconds + burst;
			assertThat(callers[0].unexpected).isEmpty();
			assertThat(callers[1].unexpected).isEmpty();
			assertThat(callers[0].grants).as("both instances were granted").isNotEmpty();
			assertThat(callers[1].grants).isNotEmpty();
			assertThat((double) grants.size())
					.as("admitted over %.3f s of Redis time, %.3f s wall (ideal %.1f)", redisSeconds, wallSeconds, ideal)
					.isLessThanOrEqualTo(rate * wallSeconds + burst + 1)
					.isLessThanOrEqualTo(rate * redisSeconds + burst + 1)
					.isGreaterThanOrEqualTo(0.99 * ideal);
			System.out.printf("RedisClusterRateLimiterTest: two instances admitted %d (%d + %d) in %.3f s of Redis time, "
					+ "ideal %.1f (%.4f of it), %d refused%n", grants.size(), callers[0].grants.size(), callers[1].grants.size(),
					redisSeconds, ideal, grants.size() / ideal, callers[0].denied.get() + callers[1].denied.get());
		}
	}

	@Test
	@Order(4)
	void onTheApplicationsClusterConnectionTheLimitersCloseNothing() {
		RecordingRedisMetrics metrics = new RecordingRedisMetrics();
		try (StatefulRedisClusterConnection<String, String> appsOwn = client.connect()) {
			RedisRateLimiters limiters = RedisRateLimiters.on(appsOwn, lent(metrics).timeout(Duration.ofSeconds(5)).build());
			RedisRateLimiter limiter = limiters.limiter("on-connection", perMinute(1));

			assertThat(List.of(decide(limiter).ok(), decide(limiter).ok())).containsExactly(true, false);
			assertThat(limiters.cluster()).isTrue();
			limiters.close();

			assertThat(appsOwn.isOpen()).isTrue();
			assertThat(appsOwn.sync().exists(limiter.keys().get(0))).isOne();
		}
	}

	@Test
	@Order(5)
	void aClientThatRecoversSlowlyFromAFailoverIsPointedOutAtCreation() {
		TestLogger log = new TestLogger(false);
		Disposable capture = LoggerUtils.useCurrentLoggersWithCapture();
		LoggerUtils.enableCaptureWith(log);
		RedisClusterClient defaults = RedisClusterClient.create(resources, cluster.seeds());
		try {
			RedisRateLimiters.on(defaults, RedisRateLimiterConfig.builder().name("defaults").build()).close();
			RedisRateLimiters.on(client, RedisRateLimiterConfig.builder().name("advised").build()).close();
		}
		finally {
			LoggerUtils.disableCapture();
			capture.dispose();
			defaults.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
		assertThat(log.getErrContent()).as(log.getOutContent()).contains("'defaults': the cluster client refreshes its topology not periodically")
				.doesNotContain("'advised'");
	}

	@Test
	@Order(6)
	void aSlotHalfMigratedIsTriedAgainAndNeverMakesRedisUnavailableThenAskAndMovedAreFollowed() throws Exception {
		RecordingRedisMetrics metrics = new RecordingRedisMetrics();
		// A long timeout: TRYAGAIN is tried again for half of it, time enough to finish the migration meanwhile.
		try (RedisRateLimiters limiters = RedisRateLimiters.on(client, lent(metrics).timeout(Duration.ofSeconds(20))
				.failureThreshold(1).failurePolicy(FailurePolicy.FAIL_CLOSED).build())) {
			RedisRateLimiter limiter = limiters.limiter("migrating", perMinute(100), perHour(1000));
			String a = limiter.keys().get(0);
			String b = limiter.keys().get(1);
			int slot = SlotHash.getSlot(a);
			assertThat(decide(limiter).ok()).isTrue();
			Topology topology = cluster.topology();
			Node from = topology.owner(slot);
			Node to = topology.masters().stream().filter(m -> m != from).findFirst().orElseThrow();
			long tryAgainBefore = errors(from, "TRYAGAIN");

			SlotMigration migration = cluster.startMigration(slot, to);
			migration.migrate(a);
			// One tier's key moved, the other not: no node can run the script until the second follows.
			CompletableFuture<TieredReservation> waiting = limiter.reserve(1, Duration.ZERO).toFuture();
			eventually("the decision met TRYAGAIN", () -> errors(from, "TRYAGAIN") > tryAgainBefore);
			migration.migrate(b);

			assertThat(waiting.get(LONG_ENOUGH.toSeconds(), TimeUnit.SECONDS).ok()).as("tried again, then ASK to the importing node")
					.isTrue();
			migration.finish();
			assertThat(decide(limiter).ok()).as("MOVED, or the refreshed view").isTrue();
			assertThat(cluster.commands(to).exists(a, b)).isEqualTo(2L);
			assertThat(limiters.available()).isTrue();
			assertThat(metrics.changes).as("TRYAGAIN is no outage").isEmpty();
			assertThat(metrics.degraded).hasValue(0);
		}
	}

	/** {@code count} of one error reply in {@code INFO errorstats} of {@code node}. */
	private static long errors(Node node, String error) {
		String prefix = "errorstat_" + error + ":count=";
		for (String line : cluster.commands(node).info("errorstats").split("\r?\n")) {
			if (line.startsWith(prefix)) {
				return Long.parseLong(line.substring(prefix.length()).strip());
			}
		}
		return 0;
	}

	@Test
	@Order(7)
	void aKilledMasterFailsClosedMeanwhileAndLimitingResumesOnItsReplicaWithoutARestart() throws Exception {
		Failover run = failover(FailurePolicy.FAIL_CLOSED);

		assertThat(run.local()).as("nothing admitted that Redis did not grant").isZero();
		assertThat(run.unavailable()).as("refused as unavailable meanwhile").isPositive();
	}

	@Test
	@Order(8)
	void aKilledMasterFailsOpenMeanwhileWithinTheInProcessBucketsAndLimitingResumes() throws Exception {
		Failover run = failover(FailurePolicy.FAIL_OPEN);

		assertThat(run.unavailable()).isZero();
		assertThat(run.local()).as("the in-process buckets decided meanwhile").isPositive();
	}

	/** What a failover run counted. */
	record Failover(long redisAdmitted, long local, long unavailable) {
	}

	/**
	 * Two instances (one on the application's client, one on its own) hammer one budget whose
	 * master is SIGKILLed; runs until both have been granted by the promoted replica, then checks
	 * the policy's bound: what Redis granted is at most {@code r*T + b + 1} plus the tokens the
	 * promoted replica had not heard of (measured: the drops of the TAT across the grants, in the
	 * order Redis made them), and what the in-process buckets admitted is at most each one's own
	 * {@code r*T + b + 1}.
	 */
	private Failover failover(FailurePolicy policy) throws Exception {
		double rate = 50;
		int burst = 10;
		double intervalMicros = 1e6 / rate;
		RecordingRedisMetrics appsMetrics = new RecordingRedisMetrics();
		RecordingRedisMetrics ownMetrics = new RecordingRedisMetrics();
		Duration timeout = Duration.ofMillis(500);
		Duration retry = Duration.ofMillis(100);
		try (RedisRateLimiters onApps = RedisRateLimiters.on(client, lent(appsMetrics).timeout(timeout).retryInterval(retry)
				.failurePolicy(policy).build());
				RedisRateLimiters onOwn = RedisRateLimiters.create(own(ownMetrics).timeout(timeout).retryInterval(retry)
						.failurePolicy(policy).build())) {
			String key = "failover-" + policy;
			Tier tier = Tier.of("per-second", Limit.of(rate), burst);
			Caller[] callers = { new Caller(onApps.limiter(key, tier)), new Caller(onOwn.limiter(key, tier)) };
			Topology before = cluster.topology();
			Node master = before.ownerOf(callers[0].limiter.keys().get(0));
			Node replica = before.replicaOf(master).orElseThrow();
			long start = System.nanoTime();
			for (Caller caller : callers) {
				caller.start();
			}
			eventually("both instances granted by the master", () -> callers[0].grants.size() > burst && callers[1].grants.size() > burst);

			cluster.kill(master);
			Node promoted = cluster.awaitFailover(master);
			long failedOver = System.nanoTime();
			eventually("both instances granted by the promoted replica", () -> callers[0].grantedSince(failedOver) >= 5
					&& callers[1].grantedSince(failedOver) >= 5);
			long[] resumedAfter = { callers[0].firstGrantSince(failedOver) - master.killedAt(),
					callers[1].firstGrantSince(failedOver) - master.killedAt() };
			for (Caller caller : callers) {
				caller.stop();
			}
			double seconds = (System.nanoTime() - start) / 1e9;

			List<Granted> grants = new ArrayList<>(callers[0].grants);
			grants.addAll(callers[1].grants);
			grants.sort(Comparator.<Granted>comparingDouble(g -> g.redisNowMicros).thenComparingDouble(g -> Double.parseDouble(g.tats[0])));
			double dropped = 0;
			for (int i = 1; i < grants.size(); i++) {
				double previous = Double.parseDouble(grants.get(i - 1).tats[0]);
				double foundByThis = Double.parseDouble(grants.get(i).tats[0]) - intervalMicros;
				dropped += Math.max(0, previous - foundByThis) / intervalMicros;
			}
			double returned = appsMetrics.returned.stream().mapToDouble(Double::doubleValue).sum()
					+ ownMetrics.returned.stream().mapToDouble(Double::doubleValue).sum();
			double bound = rate * seconds + burst + 1;

			assertThat(promoted).isEqualTo(replica);
			for (Caller caller : callers) {
				assertThat(caller.unexpected).as("errors other than the policy's").isEmpty();
				assertThat((double) caller.local.get()).as("admitted by one instance's in-process bucket").isLessThanOrEqualTo(bound);
			}
			for (RecordingRedisMetrics metrics : List.of(appsMetrics, ownMetrics)) {
				assertThat(metrics.changes).as("unavailable during the failover, then available again").startsWith(false).endsWith(true);
			}
			assertThat((double) grants.size())
					.as("granted by Redis in %.3f s; the TAT dropped by %.3f tokens (%.3f given back)", seconds, dropped, returned)
					.isLessThanOrEqualTo(bound + dropped);
			String redisKey = callers[0].limiter.keys().get(0);
			assertThat(cluster.commands(promoted).exists(redisKey)).as("limiting on the promoted replica").isOne();
			assertThat(cluster.calls(promoted, "eval")).as("the scripts sent anew (NOSCRIPT) to the promoted replica").isPositive();
			System.out.printf("RedisClusterRateLimiterTest %s: master %s killed, %s promoted in %d ms; granted by Redis again after "
					+ "%d ms (the application's client) and %d ms (the limiters' own); in %.3f s Redis granted %d (bound %.1f), "
					+ "in-process buckets %d + %d, refused as unavailable %d, TAT drops %.3f tokens, given back %.3f%n",
					policy, master, promoted, (failedOver - master.killedAt()) / 1_000_000, resumedAfter[0] / 1_000_000,
					resumedAfter[1] / 1_000_000, seconds, grants.size(), bound, callers[0].local.get(), callers[1].local.get(),
					callers[0].unavailable.get() + callers[1].unavailable.get(), dropped, returned);
			cluster.restart(master);
			return new Failover(grants.size(), callers[0].local.get() + callers[1].local.get(),
					callers[0].unavailable.get() + callers[1].unavailable.get());
		}
	}

	/** A thread asking one limiter for one permit at a time, sorting the answers. */
	static final class Caller {

		final RedisRateLimiter limiter;
		final List<Granted> grants = new CopyOnWriteArrayList<>();
		final List<Long> grantedAt = new CopyOnWriteArrayList<>();
		final AtomicLong denied = new AtomicLong();
		final AtomicLong local = new AtomicLong();
		final AtomicLong unavailable = new AtomicLong();
		final List<Throwable> unexpected = new CopyOnWriteArrayList<>();
		private final AtomicBoolean running = new AtomicBoolean(true);
		private final Thread thread;

		Caller(RedisRateLimiter limiter) {
			this.limiter = limiter;
			this.thread = new Thread(this::run, "caller-" + limiter);
		}

		void start() {
			thread.start();
		}

		private void run() {
			while (running.get()) {
				try {
					TieredReservation r = limiter.reserve(1, Duration.ZERO).block();
					if (r instanceof Granted g) {
						grants.add(g);
						grantedAt.add(System.nanoTime());
					}
					else if (r instanceof FallbackBuckets.Local l) {
						if (l.ok()) {
							local.incrementAndGet();
						}
						LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
					}
					else {
						denied.incrementAndGet();
					}
				}
				catch (RateLimiterUnavailableException e) {
					unavailable.incrementAndGet();
					// As a client refused with 503 would, rather than spinning on the two cores the cluster needs.
					LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
				}
				catch (Throwable t) {
					unexpected.add(t);
				}
			}
		}

		long grantedSince(long nanos) {
			return grantedAt.stream().filter(t -> t > nanos).count();
		}

		long firstGrantSince(long nanos) {
			return grantedAt.stream().filter(t -> t > nanos).findFirst().orElse(nanos);
		}

		void stop() throws InterruptedException {
			running.set(false);
			thread.join(LONG_ENOUGH.toMillis());
		}
	}
}
