package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.gopherflux.ratelimit.redis.RedisCluster.Node;
import io.gopherflux.ratelimit.redis.RedisCluster.SlotMigration;
import io.gopherflux.ratelimit.redis.RedisCluster.Topology;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.reactive.RedisAdvancedClusterReactiveCommands;
import io.lettuce.core.cluster.event.AskRedirectionEvent;
import io.lettuce.core.cluster.event.MovedRedirectionEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.event.Event;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * {@link RedisCluster} does what the Redis Cluster tests need: a real cluster of three masters
 * with a replica each, keys placed by hash tag, scripts run by Lettuce's cluster client on the
 * node owning their keys (EVALSHA, then EVAL on NOSCRIPT), {@code MOVED} and {@code ASK} followed,
 * and a killed master replaced by its replica while the client carries on. One cluster for the
 * class; the tests that change its topology run last, and leave it whole.
 * <p>
 * Durations are printed, never asserted: every wait is a poll with a generous bound.
 */
@ExtendWith(RedisClusterInstalled.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterHarnessTest {

	/** Which node ran it, and that node's clock, read by the script itself. */
	private static final String WHERE_AND_WHEN = "return {redis.call('CLUSTER', 'MYID'), redis.call('TIME')}";

	/** The same, writing Redis's time to its key after reading it, as the limiter's scripts do. */
	private static final String WHERE_AND_WHEN_WRITING =
			"local t = redis.call('TIME') redis.call('SET', KEYS[1], t[1]) return {redis.call('CLUSTER', 'MYID'), t}";

	/** One command's bound while the cluster changes under the client. */
	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

	private static RedisCluster cluster;
	private static ClientResources resources;
	private static RedisClusterClient client;
	private static StatefulRedisClusterConnection<String, String> connection;

	@BeforeAll
	static void start() {
		cluster = RedisCluster.start();
		// Shared resources, as an application would hand them to the limiter.
		resources = DefaultClientResources.create();
		client = RedisClusterClient.create(resources, cluster.seeds());
		client.setOptions(ClusterClientOptions.builder()
				// Adaptive triggers (MOVED, ASK, persistent reconnects, ...) are on by default since Lettuce 7;
				// their refreshes are rate-limited to one per timeout, 30 s by default: too slow after a failover.
				.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
						.adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
						.enablePeriodicRefresh(Duration.ofSeconds(1))
						.build())
				// A failed master would otherwise stay in the client's view, with commands waiting on its connection.
				.nodeFilter(node -> !(node.is(NodeFlag.FAIL) || node.is(NodeFlag.EVENTUAL_FAIL) || node.is(NodeFlag.NOADDR)))
				.build());
		connection = client.connect();
	}

	@AfterAll
	static void stop() {
		if (connection != null) {
			connection.close();
		}
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

	@Test
	@Order(1)
	void startsThreeMastersWithOneReplicaEachCoveringEverySlot() {
		Topology topology = cluster.topology();

		assertThat(topology.masters()).hasSize(3);
		assertThat(topology.replicas()).hasSize(3);
		assertThat(topology.failed()).isEmpty();
		Set<Node> all = new HashSet<>(topology.masters());
		all.addAll(topology.replicas());
		assertThat(all).containsExactlyInAnyOrderElementsOf(cluster.nodes());
		int slots = 0;
		for (Node master : topology.masters()) {
			assertThat(topology.replicasOf(master)).hasSize(1);
			assertThat(topology.slotCount(master)).isGreaterThan(5000);
			slots += topology.slotCount(master);
			assertThat(cluster.commands(master).info("replication")).contains("role:master");
		}
		assertThat(slots).isEqualTo(RedisCluster.SLOTS);
		for (Node replica : topology.replicas()) {
			assertThat(cluster.commands(replica).info("replication"))
					.contains("role:slave", "master_port:" + topology.masterOf(replica).port(), "master_link_status:up");
		}
		// Each node's own word, not the harness's reading of it.
		for (Node node : cluster.nodes()) {
			assertThat(cluster.commands(node).clusterInfo())
					.contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_slots_ok:16384",
							"cluster_known_nodes:6", "cluster_size:3");
		}
	}

	@Test
	@Order(2)
	void keysOfOneClientShareTheSlotOfTheirHashTag() {
		List<String> keys = List.of("{client-1}:a", "{client-1}:b",
				"gopherflux:ratelimit:{client-1}:per-second", "gopherflux:ratelimit:{client-1}:per-minute");
		Node owner = cluster.ownerOf(keys.get(0));

		for (String key : keys) {
			assertThat(RedisCluster.slot(key)).as(key).isEqualTo(RedisCluster.slot("client-1"));
			assertThat(cluster.commands(owner).clusterKeyslot(key)).as("Redis's slot of " + key).isEqualTo(RedisCluster.slot("client-1"));
		}
		// One script over several keys: Redis refuses it (CROSSSLOT) unless they share a slot.
		Object written = connection.sync().eval("for i, k in ipairs(KEYS) do redis.call('SET', k, i) end return #KEYS",
				ScriptOutputType.INTEGER, keys.toArray(String[]::new));
		assertThat(written).isEqualTo(4L);
		for (String key : keys) {
			assertThat(cluster.commands(owner).exists(key)).as(key + " on " + owner).isEqualTo(1);
		}
		connection.sync().del(keys.toArray(String[]::new));
		assertThatThrownBy(() -> connection.sync().eval("return 1", ScriptOutputType.INTEGER, "{client-1}:a", "{client-2}:a"))
				.isInstanceOf(RedisCommandExecutionException.class)
				.hasMessageContaining("CROSSSLOT");
	}

	@Test
	@Order(3)
	void keysOfManyClientsSpreadOverEveryMaster() {
		Topology topology = cluster.topology();
		int clients = 300;
		Map<Node, Integer> perMaster = new HashMap<>();
		for (int i = 0; i < clients; i++) {
			String key = "{client-" + i + "}:per-second";
			Node owner = topology.ownerOf(key);
			perMaster.merge(owner, 1, Integer::sum);
			connection.sync().set(key, "client-" + i);
			// A master answers MOVED for a key it does not own: reading it there proves where it is.
			assertThat(cluster.commands(owner).get(key)).as(key + " on " + owner).isEqualTo("client-" + i);
		}
		connection.sync().del(perMasterKeys(clients));

		assertThat(perMaster.keySet()).containsExactlyInAnyOrderElementsOf(topology.masters());
		assertThat(perMaster.values()).allSatisfy(count -> assertThat(count).isGreaterThan(clients / 5));
	}

	private static String[] perMasterKeys(int clients) {
		String[] keys = new String[clients];
		for (int i = 0; i < clients; i++) {
			keys[i] = "{client-" + i + "}:per-second";
		}
		return keys;
	}

	@Test
	@Order(4)
	void aScriptRunsOnItsKeysOwnerByEvalshaThenEvalOnNoscript() {
		String key = "{client-7}:per-second";
		Node owner = cluster.ownerOf(key);
		// A script no node has seen: the first EVALSHA must meet NOSCRIPT.
		String script = WHERE_AND_WHEN_WRITING + " -- " + System.nanoTime();
		String sha = sha1(script);
		Map<Node, long[]> before = scriptCalls();

		long earliest = micros(cluster.commands(owner).time());
		List<Object> first = run(connection.reactive(), script, sha, key).block(CALL_TIMEOUT.multipliedBy(2));
		List<Object> second = run(connection.reactive(), script, sha, key).block(CALL_TIMEOUT.multipliedBy(2));
		long latest = micros(cluster.commands(owner).time());

		assertThat(first.get(0)).isEqualTo(owner.id());
		assertThat(second.get(0)).isEqualTo(owner.id());
		// TIME is allowed in a script that writes (Redis 7 replicates a script's effects, not the script).
		assertThat(micros(time(first))).isBetween(earliest, micros(time(second)));
		assertThat(micros(time(second))).isLessThanOrEqualTo(latest);
		assertThat(cluster.commands(owner).get(key)).isEqualTo(time(second).get(0));
		connection.sync().del(key);
		Map<Node, long[]> after = scriptCalls();
		for (Node node : before.keySet()) {
			long evalshas = after.get(node)[0] - before.get(node)[0];
			long evals = after.get(node)[1] - before.get(node)[1];
			if (node == owner) {
				assertThat(evalshas).as("EVALSHA on the owner: NOSCRIPT, then found").isEqualTo(2);
				assertThat(evals).as("EVAL on the owner after NOSCRIPT").isEqualTo(1);
			}
			else {
				assertThat(evalshas + evals).as("scripts on " + node).isZero();
			}
		}
	}

	@Test
	@Order(5)
	void aMovedSlotIsFollowedToItsNewOwner() throws Exception {
		String key = "{moved-1}:per-second";
		int slot = RedisCluster.slot(key);
		String script = WHERE_AND_WHEN + " -- moved";
		String sha = sha1(script);
		// A client of its own that never refreshes by the clock: only the MOVED answer can tell it.
		RedisClusterClient stale = RedisClusterClient.create(resources, cluster.seeds());
		try (StatefulRedisClusterConnection<String, String> c = stale.connect()) {
			Topology topology = cluster.topology();
			Node from = topology.owner(slot);
			Node to = topology.masters().stream().filter(m -> m != from).findFirst().orElseThrow();
			assertThat(run(c.reactive(), script, sha, key).block(CALL_TIMEOUT).get(0)).isEqualTo(from.id());
			CompletableFuture<MovedRedirectionEvent> moved = next(MovedRedirectionEvent.class);

			cluster.moveSlot(slot, to);

			assertThat(run(c.reactive(), script, sha, key).block(CALL_TIMEOUT.multipliedBy(2)).get(0)).isEqualTo(to.id());
			assertThat(moved.get(RedisCluster.SETTLE.toSeconds(), TimeUnit.SECONDS).getSlot()).isEqualTo(slot);
		}
		finally {
			stale.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	@Test
	@Order(6)
	void anAskRedirectionIsFollowedWhileTheSlotMigrates() throws Exception {
		String a = "{ask-1}:a";
		String b = "{ask-1}:b";
		int slot = RedisCluster.slot(a);
		String script = WHERE_AND_WHEN + " -- ask";
		String sha = sha1(script);
		Topology topology = cluster.topology();
		Node from = topology.owner(slot);
		Node to = topology.masters().stream().filter(m -> m != from).findFirst().orElseThrow();
		connection.sync().set(a, "1");
		connection.sync().set(b, "2");
		assertThat(run(connection.reactive(), script, sha, a, b).block(CALL_TIMEOUT).get(0)).isEqualTo(from.id());

		SlotMigration migration = cluster.startMigration(slot, to);
		migration.migrate(a);
		// One key moved, the other not: no node may run a script over both; Lettuce does not retry TRYAGAIN.
		assertThatThrownBy(() -> run(connection.reactive(), script, sha, a, b).block(CALL_TIMEOUT))
				.isInstanceOf(RedisCommandExecutionException.class)
				.hasMessageStartingWith("TRYAGAIN");
		migration.migrate(b);
		CompletableFuture<AskRedirectionEvent> ask = next(AskRedirectionEvent.class);
		// Both moved: the old owner answers ASK, the client asks the importing node.
		assertThat(run(connection.reactive(), script, sha, a, b).block(CALL_TIMEOUT).get(0)).isEqualTo(to.id());
		assertThat(ask.get(RedisCluster.SETTLE.toSeconds(), TimeUnit.SECONDS).getSlot()).isEqualTo(slot);
		migration.finish();

		assertThat(run(connection.reactive(), script, sha, a, b).block(CALL_TIMEOUT).get(0)).isEqualTo(to.id());
		assertThat(connection.sync().mget(a, b)).extracting(kv -> kv.getValue()).containsExactly("1", "2");
		connection.sync().del(a, b);
	}

	@Test
	@Order(7)
	void aKilledMastersReplicaTakesOverAndTheClientCarriesOnWithoutARestart() {
		String key = "{failover-1}:per-second";
		String script = WHERE_AND_WHEN + " -- failover";
		String sha = sha1(script);
		Topology before = cluster.topology();
		Node master = before.ownerOf(key);
		Node replica = before.replicaOf(master).orElseThrow();
		cluster.commands(master).set(key, "written before the crash");
		assertThat(cluster.commands(master).waitForReplication(1, 10_000)).as("replicas acknowledging").isEqualTo(1);
		assertThat(run(connection.reactive(), script, sha, key).block(CALL_TIMEOUT).get(0)).isEqualTo(master.id());
		// Redis 7 replicates a script's writes, never the script: the replica does not know it.
		assertThat(cluster.commands(master).scriptExists(sha)).containsExactly(true);
		assertThat(cluster.commands(replica).scriptExists(sha)).containsExactly(false);

		Node promoted = cluster.killMaster(master);
		long failedOver = System.nanoTime();
		long killedAt = master.killedAt();

		assertThat(promoted).isEqualTo(replica);
		Topology after = cluster.topology();
		assertThat(after.ownerOf(key)).isEqualTo(replica);
		assertThat(after.masters()).hasSize(3).contains(replica).doesNotContain(master);
		assertThat(after.failed()).containsExactly(master);
		assertThat(cluster.commands(replica).info("replication")).contains("role:master");
		// Same client, same connection: it finds the new master by itself (topology refresh).
		List<Object> answer = untilAnswered(() -> run(connection.reactive(), script, sha, key));
		long resumed = System.nanoTime();
		assertThat(answer.get(0)).isEqualTo(replica.id());
		assertThat(connection.sync().get(key)).isEqualTo("written before the crash");
		assertThat(cluster.calls(replica, "eval")).as("EVAL on the promoted replica after NOSCRIPT").isGreaterThanOrEqualTo(1);
		System.out.printf("RedisClusterHarnessTest: failover %d ms after SIGKILL, client answered on the new master %d ms after it%n",
				(failedOver - killedAt) / 1_000_000, (resumed - killedAt) / 1_000_000);

		cluster.restart(master);

		Topology whole = cluster.topology();
		assertThat(whole.failed()).isEmpty();
		assertThat(whole.masterOf(master)).as("the old master rejoins as the new one's replica").isEqualTo(replica);
		assertThat(run(connection.reactive(), script, sha, key).block(CALL_TIMEOUT).get(0)).isEqualTo(replica.id());
	}

	@Test
	@Order(8)
	void closeKillsEveryProcessAndDeletesItsDirectory() {
		Set<ProcessHandle> before = redisProcesses();
		RedisCluster small = RedisCluster.start(3, 0);
		Set<ProcessHandle> started = redisProcesses();
		started.removeAll(before);
		assertThat(started).hasSize(3).allSatisfy(p -> assertThat(p.isAlive()).isTrue());
		assertThat(small.directory()).isDirectory();

		small.close();

		assertThat(started).allSatisfy(p -> assertThat(p.isAlive()).as(p + " alive").isFalse());
		assertThat(small.directory()).doesNotExist();
		small.close();
	}

	@Test
	@Order(9)
	void aStartFailingHalfwayLeavesNoProcessNorDirectoryBehind() throws IOException {
		Set<ProcessHandle> before = redisProcesses();
		Set<Path> directoriesBefore = harnessDirectories();

		// Two masters: servers started, then a cluster redis-cli refuses to create.
		assertThatThrownBy(() -> RedisCluster.start(2, 0))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("redis-cli --cluster create failed")
				.hasMessageContaining("at least 3 master");

		assertThat(redisProcesses()).isSubsetOf(before);
		assertThat(harnessDirectories()).isSubsetOf(directoriesBefore);
	}

	/** This JVM's running redis-server and redis-cli processes. */
	private static Set<ProcessHandle> redisProcesses() {
		return ProcessHandle.current().children()
				.filter(p -> p.info().command().map(c -> c.contains("redis")).orElse(false))
				.collect(Collectors.toCollection(HashSet::new));
	}

	private static Set<Path> harnessDirectories() throws IOException {
		try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return files.filter(p -> p.getFileName().toString().startsWith("gopherflux-redis-cluster-")).collect(Collectors.toSet());
		}
	}

	/** The next event of {@code type} on the client's event bus (which delivers on a thread of its own). */
	private static <E extends Event> CompletableFuture<E> next(Class<E> type) {
		return resources.eventBus().get().ofType(type).next().toFuture();
	}

	/** EVALSHA, and EVAL if the node holding the keys does not know the script, as the limiter runs its scripts. */
	private static Mono<List<Object>> run(RedisAdvancedClusterReactiveCommands<String, String> redis, String script, String sha,
			String... keys) {
		return redis.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys)
				.onErrorResume(RedisNoScriptException.class, e -> redis.eval(script, ScriptOutputType.MULTI, keys))
				.single()
				.timeout(CALL_TIMEOUT);
	}

	/**
	 * Tries {@code call} again, a tenth of a second apart, until it answers; at most
	 * {@link RedisCluster#SETTLE}. Each try waits as long as the limiter's default timeout: a call
	 * queued on the dead master's connection holds up the next try no longer than it would a limiter.
	 */
	private static List<Object> untilAnswered(Supplier<Mono<List<Object>>> call) {
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		return Mono.defer(call)
				.timeout(RedisRateLimiterConfig.DEFAULT_TIMEOUT)
				.doOnError(failures::add)
				.retryWhen(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(100)))
				.timeout(RedisCluster.SETTLE)
				.doOnError(e -> failures.stream().limit(5).forEach(e::addSuppressed))
				.block();
	}

	@SuppressWarnings("unchecked")
	private static List<String> time(List<Object> reply) {
		return (List<String>) (List<?>) reply.get(1);
	}

	/** Microseconds of a {@code TIME} answer: seconds, then microseconds. */
	private static long micros(List<String> time) {
		return Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
	}

	/** Per running node: EVALSHA and EVAL calls so far. */
	private static Map<Node, long[]> scriptCalls() {
		Map<Node, long[]> calls = new HashMap<>();
		for (Node node : cluster.nodes()) {
			calls.put(node, new long[] { cluster.calls(node, "evalsha"), cluster.calls(node, "eval") });
		}
		return calls;
	}

	private static String sha1(String script) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
