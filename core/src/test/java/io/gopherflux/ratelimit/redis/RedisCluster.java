package io.gopherflux.ratelimit.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MigrateArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Redis Cluster started and stopped by the tests: three masters with one replica each, six
 * {@code redis-server --cluster-enabled yes} processes on free loopback ports (no persistence, each
 * in its own temporary directory), joined by {@code redis-cli --cluster create --cluster-replicas 1}.
 * It is cheap enough to start once per test class (a few seconds; see {@link #startDuration()}).
 * Public, with {@link #start()} and {@link #seedUris()}, for the tests of the integration-tests
 * module, which get it from this module's test jar.
 * <p>
 * {@link #start()} returns once every node says {@code cluster_state:ok}, every slot is covered,
 * all nodes agree on who owns what and every replica is in sync with its master. The nodes count
 * one another failed after {@link #NODE_TIMEOUT}, so that a replica takes over a killed master's
 * slots within a few seconds ({@link #killMaster(Node)}); a killed node can rejoin as a replica
 * ({@link #restart(Node)}); a slot can be moved between masters, whole or step by step, to make
 * clients meet {@code MOVED} and {@code ASK} ({@link #moveSlot(int, Node)},
 * {@link #startMigration(int, Node)}). Every wait is bounded by {@link #SETTLE} and polls.
 * <p>
 * Where {@code redis-server} or {@code redis-cli} is missing, or older than Redis 7.0, the calling
 * test class is skipped with a message saying how to install them (test classes carry
 * {@code @ExtendWith(RedisClusterInstalled.class)}), unless the environment variable {@code CI} is
 * set: then it fails, as {@link RedisServer} does. {@link #close()} kills every process and deletes
 * the directories, also when {@link #start()} fails halfway (and a shutdown hook kills the
 * processes if the JVM exits without closing).
 */
public final class RedisCluster implements AutoCloseable {

	static final String INSTALL = "install Redis 7.0 or newer with 'sudo apt-get install redis-server' "
			+ "(Debian/Ubuntu; redis-cli comes with it) or 'brew install redis' (macOS)";

	/** The shape of {@link #start()}: three masters, one replica each. */
	static final int MASTERS = 3;
	static final int REPLICAS_PER_MASTER = 1;
	static final int SLOTS = SlotHash.SLOT_COUNT;

	/**
	 * How long a node may be silent before the others count it failed: short, so that a failover
	 * takes a few seconds (2-4 s measured here), and still long enough that a busy machine does
	 * not fail a node over on its own.
	 */
	static final Duration NODE_TIMEOUT = Duration.ofMillis(1500);

	/** The bound of every wait for the cluster to settle: generous, for a busy two-core machine. */
	static final Duration SETTLE = Duration.ofSeconds(60);

	/** Between two looks at the cluster: it converges on its own timers, and polling flat out would take the cores it needs. */
	private static final Duration POLL = Duration.ofMillis(50);

	private static final String HOST = "127.0.0.1";
	private static final int LOG_LINES = 100;
	private static final int PORT_ATTEMPTS = 3;

	private final int masters;
	private final int replicasPerMaster;
	private final Path server;
	private final Path cli;
	private final Path root;
	/** Filled while starting; read by the shutdown hook, whenever it runs. */
	private final List<Node> nodes = new CopyOnWriteArrayList<>();
	private final ClientResources resources;
	private final RedisClient admin;
	private final Thread killOnExit;
	private volatile Process create;
	private volatile boolean closed;
	private Duration startDuration;

	private RedisCluster(int masters, int replicasPerMaster, Path server, Path cli) throws IOException {
		this.masters = masters;
		this.replicasPerMaster = replicasPerMaster;
		this.server = server;
		this.cli = cli;
		this.root = Files.createTempDirectory("gopherflux-redis-cluster-");
		this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1).build();
		this.admin = RedisClient.create(resources);
		// A dead node is dead: the harness's own connections must not keep reconnecting to it.
		admin.setOptions(ClientOptions.builder().autoReconnect(false).build());
		this.killOnExit = new Thread(this::destroyAll, "redis-cluster-kill-on-exit");
		Runtime.getRuntime().addShutdownHook(killOnExit);
	}

	/**
	 * Starts three masters with a replica each and waits, at most {@link #SETTLE}, until the
	 * cluster is ok; or skips (fails under CI) the calling test class if the binaries are missing.
	 * On any failure everything started so far is stopped and deleted before the error is thrown.
	 */
	public static RedisCluster start() {
		return start(MASTERS, REPLICAS_PER_MASTER);
	}

	/**
	 * {@link #start()} with {@code masters} masters (Redis Cluster needs at least three) and
	 * {@code replicasPerMaster} replicas of each.
	 */
	static RedisCluster start(int masters, int replicasPerMaster) {
		Path server = require("redis-server");
		Path cli = require("redis-cli");
		requireVersion7(server);
		RedisCluster cluster;
		try {
			cluster = new RedisCluster(masters, replicasPerMaster, server, cli);
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not create a temporary directory", e);
		}
		try {
			cluster.boot();
			return cluster;
		}
		catch (RuntimeException | Error e) {
			try {
				cluster.close();
			}
			catch (RuntimeException c) {
				e.addSuppressed(c);
			}
			throw e;
		}
	}

	private static Path require(String binary) {
		Optional<Path> path = RedisServer.findBinary(binary);
		if (path.isPresent()) {
			return path.get();
		}
		unavailable(binary + " is not on the PATH");
		throw new AssertionError("unreachable");
	}

	/** {@code cluster-port} (a bus port of our choosing, not port + 10000) came with Redis 7.0. */
	private static void requireVersion7(Path server) {
		String version = run(List.of(server.toString(), "--version"), Duration.ofSeconds(20));
		int at = version.indexOf("v=");
		int major = at < 0 ? -1 : Integer.parseInt(version.substring(at + 2, version.indexOf('.', at)));
		if (major < 7) {
			unavailable("the Redis Cluster tests need Redis 7.0 or newer, found '" + version.strip() + "'");
		}
	}

	private static void unavailable(String why) {
		if (RedisServer.onCi()) {
			fail(why + ", and CI is set: the Redis Cluster tests must run here; " + INSTALL);
		}
		Assumptions.abort(why + ": Redis Cluster tests skipped; " + INSTALL);
	}

	private void boot() {
		long start = System.nanoTime();
		int size = masters * (1 + replicasPerMaster);
		List<int[]> ports = freePorts(size);
		List<CompletableFuture<Void>> ready = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			Node node = new Node(i, root.resolve("node-" + i), ports.get(i)[0], ports.get(i)[1]);
			nodes.add(node);
			ready.add(spawn(node));
		}
		for (int i = 0; i < nodes.size(); i++) {
			awaitReadyPickingPorts(nodes.get(i), ready.get(i));
		}
		long launched = System.nanoTime();
		List<String> command = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
		for (Node node : nodes) {
			command.add(HOST + ":" + node.port);
		}
		command.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
		try {
			create = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not start " + cli, e);
		}
		// Meanwhile (redis-cli waits in one-second steps for the nodes to join), the first Lettuce
		// connections of a JVM load Netty, which can take seconds on a busy machine.
		for (Node node : nodes) {
			node.id = commands(node).clusterMyId();
		}
		long connected = System.nanoTime();
		String output = outputOf(create, SETTLE);
		if (create.exitValue() != 0) {
			throw new IllegalStateException("redis-cli --cluster create failed (exit " + create.exitValue() + "):\n" + output);
		}
		long created = System.nanoTime();
		awaitHealthy("up");
		long settled = System.nanoTime();
		startDuration = Duration.ofNanos(settled - start);
		System.out.printf("RedisCluster: %d masters + %d replicas on ports %s ready in %d ms (servers %d ms, "
				+ "redis-cli --cluster create %d ms, the harness's first connections %d ms of them, settling %d ms)%n",
				masters, masters * replicasPerMaster, nodes.stream().map(n -> Integer.toString(n.port)).collect(Collectors.joining(",")),
				startDuration.toMillis(), (launched - start) / 1_000_000, (created - launched) / 1_000_000,
				(connected - launched) / 1_000_000, (settled - created) / 1_000_000);
	}

	/** {@code count} pairs of distinct free ports: the client port and the cluster bus port of a node. */
	private static List<int[]> freePorts(int count) {
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			// Held open until all are chosen, so that no port is handed out twice.
			for (int i = 0; i < 2 * count; i++) {
				sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
			}
			List<int[]> ports = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				ports.add(new int[] { sockets.get(2 * i).getLocalPort(), sockets.get(2 * i + 1).getLocalPort() });
			}
			return ports;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		finally {
			for (ServerSocket socket : sockets) {
				try {
					socket.close();
				}
				catch (IOException ignored) {
					// it was only a probe
				}
			}
		}
	}

	/** Another process may take a probed port before redis-server binds it: then try other ports. */
	private void awaitReadyPickingPorts(Node node, CompletableFuture<Void> ready) {
		for (int attempt = 1;; attempt++) {
			try {
				awaitReady(node, ready);
				return;
			}
			catch (IllegalStateException e) {
				if (attempt == PORT_ATTEMPTS || !node.logTail().contains("Address already in use")) {
					throw e;
				}
				int[] ports = freePorts(1).get(0);
				node.port = ports[0];
				node.busPort = ports[1];
				ready = spawn(node);
			}
		}
	}

	private void launch(Node node) {
		awaitReady(node, spawn(node));
		node.id = commands(node).clusterMyId();
	}

	/** Starts {@code node}'s process; the future completes when it is ready to accept connections. */
	private CompletableFuture<Void> spawn(Node node) {
		if (closed) {
			throw new IllegalStateException("the cluster is closed");
		}
		try {
			Files.createDirectories(node.dir);
			node.process = new ProcessBuilder(List.of(server.toString(),
					"--port", Integer.toString(node.port),
					"--cluster-port", Integer.toString(node.busPort),
					"--bind", HOST,
					"--cluster-enabled", "yes",
					// Kept across restart(): the node comes back knowing the cluster and rejoins it.
					"--cluster-config-file", node.dir.resolve("nodes.conf").toString(),
					"--cluster-node-timeout", Long.toString(NODE_TIMEOUT.toMillis()),
					// A replica always stands for election, however long it was cut off from its master.
					"--cluster-replica-validity-factor", "0",
					"--dir", node.dir.toString(),
					"--save", "",
					"--appendonly", "no",
					// Replicas sync at once instead of after Redis 7's five-second wait for more of them.
					"--repl-diskless-sync", "yes",
					"--repl-diskless-sync-delay", "0",
					"--enable-debug-command", "local"))
					.redirectErrorStream(true)
					.start();
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not start " + server, e);
		}
		Process process = node.process;
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		CompletableFuture<Void> ready = new CompletableFuture<>();
		// Reads until the process ends, so that its pipe never fills up; keeps the last lines for errors.
		Thread reader = new Thread(() -> {
			try {
				for (String line; (line = out.readLine()) != null;) {
					node.log(line);
					if (line.contains("Ready to accept connections")) {
						ready.complete(null);
					}
				}
			}
			catch (IOException ignored) {
				// the process was killed
			}
			ready.completeExceptionally(new IllegalStateException("exited"));
		}, "redis-cluster-" + node.port + "-output");
		reader.setDaemon(true);
		reader.start();
		return ready;
	}

	private void awaitReady(Node node, CompletableFuture<Void> ready) {
		try {
			ready.get(SETTLE.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			node.process.destroyForcibly();
			throw new IllegalStateException(e);
		}
		catch (Exception e) {
			node.process.destroyForcibly();
			throw new IllegalStateException("redis-server " + node + " did not start; its last lines:\n" + node.logTail(), e);
		}
	}

	/** Runs {@code command} to its end, at most {@code bound}, and returns what it printed. */
	private static String run(List<String> command, Duration bound) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			return outputOf(process, bound);
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not run " + command, e);
		}
	}

	private static String outputOf(Process process, Duration bound) {
		CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
			try {
				// redis-cli colours its output even into a pipe
				return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replaceAll("\u001B\\[[;\\d]*m", "");
			}
			catch (IOException e) {
				return "(output unreadable: " + e + ")";
			}
		});
		try {
			if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(process.info().command().orElse("a process") + " did not end within " + bound);
			}
			return output.get(bound.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new IllegalStateException(e);
		}
		catch (Exception e) {
			throw new IllegalStateException("could not read the output of " + process.info().command().orElse("a process"), e);
		}
	}

	/** How long {@link #start()} took, from the first process to a settled cluster. */
	Duration startDuration() {
		return startDuration;
	}

	/** The directory holding every node's own directory; deleted by {@link #close()}. */
	Path directory() {
		return root;
	}

	/** Every node, in the order they were started, killed ones included. */
	List<Node> nodes() {
		return List.copyOf(nodes);
	}

	/** Every node's URI, as seeds for a {@code RedisClusterClient} (fresh objects: Lettuce's URIs are mutable). */
	List<RedisURI> seeds() {
		return nodes.stream().map(Node::uri).toList();
	}

	/** {@link #seeds()} as strings, {@code redis://127.0.0.1:port}. */
	public List<String> seedUris() {
		return nodes.stream().map(n -> "redis://" + HOST + ":" + n.port).toList();
	}

	/** The slot of {@code key}, as a Redis Cluster computes it (CRC16 of the hash tag, or of the key if it has none). */
	static int slot(String key) {
		return SlotHash.getSlot(key);
	}

	/**
	 * Who holds what now, as every live node agrees, waiting at most {@link #SETTLE} for them to
	 * agree and be ok: a snapshot, cheap to ask many questions of.
	 */
	Topology topology() {
		return await("settled", t -> null);
	}

	/** The master owning {@code key}'s slot now: {@code topology().ownerOf(key)}. */
	Node ownerOf(String key) {
		return topology().ownerOf(key);
	}

	/**
	 * A connection of the test's own to {@code node} alone (no redirections followed): to read
	 * {@code INFO}, keys on that node, or flush its scripts.
	 *
	 * @throws IllegalStateException if the node is not running
	 */
	RedisCommands<String, String> commands(Node node) {
		synchronized (node) {
			if (!node.alive()) {
				throw new IllegalStateException("node " + node + " is not running");
			}
			if (node.connection == null || !node.connection.isOpen()) {
				node.connection = admin.connect(node.uri());
			}
			return node.connection.sync();
		}
	}

	/** {@code calls} of {@code command} on {@code node} in {@code INFO commandstats}, 0 if never called. */
	long calls(Node node, String command) {
		String prefix = "cmdstat_" + command + ":calls=";
		for (String line : commands(node).info("commandstats").split("\r?\n")) {
			if (line.startsWith(prefix)) {
				return Long.parseLong(line.substring(prefix.length(), line.indexOf(',', prefix.length())));
			}
		}
		return 0;
	}

	/** {@link #calls(Node, String)} summed over the running nodes. */
	long calls(String command) {
		return nodes.stream().filter(Node::alive).mapToLong(n -> calls(n, command)).sum();
	}

	/**
	 * SIGKILLs {@code node}, as in a crash, and returns once the process is gone, without waiting
	 * for the cluster: {@link #awaitFailover(Node)} does.
	 */
	void kill(Node node) {
		Topology before = topology();
		node.ownedBeforeKill = before.firstSlotOf(node);
		synchronized (node) {
			if (node.connection != null) {
				node.connection.closeAsync();
				node.connection = null;
			}
		}
		node.killedAt = System.nanoTime();
		node.process.destroyForcibly();
		waitFor(node.process, node);
	}

	/**
	 * Waits, at most {@link #SETTLE}, until the slots of {@code deadMaster} (killed with
	 * {@link #kill(Node)}) belong to its promoted replica, every live node flags it failed and the
	 * cluster is ok again; returns the promoted replica.
	 */
	Node awaitFailover(Node deadMaster) {
		int slot = deadMaster.ownedBeforeKill;
		if (deadMaster.alive() || slot < 0) {
			throw new IllegalArgumentException(deadMaster + " is not a master killed with kill(Node)");
		}
		Topology after = await("failed over from " + deadMaster, t -> {
			if (!t.failed().contains(deadMaster)) {
				return deadMaster + " is not flagged failed yet";
			}
			if (t.owner(slot) == deadMaster) {
				return "its replica has not taken over its slots yet";
			}
			return null;
		});
		return after.owner(slot);
	}

	/**
	 * {@link #kill(Node)} then {@link #awaitFailover(Node)}: SIGKILLs a master and returns its
	 * promoted replica once the cluster is ok again; prints how long that took.
	 *
	 * @throws IllegalArgumentException if {@code master} is not a master with a replica
	 */
	Node killMaster(Node master) {
		Topology before = topology();
		if (!before.masters().contains(master) || before.replicaOf(master).isEmpty()) {
			throw new IllegalArgumentException(master + " is not a master with a replica in " + before);
		}
		kill(master);
		Node promoted = awaitFailover(master);
		System.out.printf("RedisCluster: master %s killed, replica %s promoted and the cluster ok again in %d ms%n",
				master, promoted, (System.nanoTime() - master.killedAt) / 1_000_000);
		return promoted;
	}

	/**
	 * Starts a killed node again on its ports with the cluster configuration it had: it rejoins
	 * (as a replica, if its slots went to another node meanwhile) with no data. Waits, at most
	 * {@link #SETTLE}, until all nodes are up again, each master with its replicas in sync.
	 */
	void restart(Node node) {
		if (node.alive()) {
			throw new IllegalArgumentException(node + " is running");
		}
		long start = System.nanoTime();
		launch(node);
		awaitHealthy("whole again after restarting " + node);
		System.out.printf("RedisCluster: %s restarted and rejoined in %d ms%n", node, (System.nanoTime() - start) / 1_000_000);
	}

	/**
	 * Moves {@code slot} with its keys to master {@code to} as {@code redis-cli --cluster reshard}
	 * does, and waits until every node agrees: a client that still has the old view gets
	 * {@code MOVED}.
	 */
	void moveSlot(int slot, Node to) {
		SlotMigration migration = startMigration(slot, to);
		migration.migrateKeys();
		migration.finish();
	}

	/**
	 * Starts moving {@code slot} to master {@code to}: the target marks it importing, the owner
	 * migrating. Until {@link SlotMigration#finish()}, the owner still serves the keys it has and
	 * answers {@code ASK} for the others (those already moved, and new ones).
	 *
	 * @throws IllegalArgumentException if {@code to} is not a master or already owns the slot
	 */
	SlotMigration startMigration(int slot, Node to) {
		Topology topology = topology();
		Node from = topology.owner(slot);
		if (!topology.masters().contains(to) || from == to) {
			throw new IllegalArgumentException(to + " is not a master other than " + from + ", the owner of slot " + slot);
		}
		commands(to).clusterSetSlotImporting(slot, from.id);
		commands(from).clusterSetSlotMigrating(slot, to.id);
		return new SlotMigration(slot, from, to);
	}

	/** A slot half-way from one master to another; see {@link #startMigration(int, Node)}. */
	final class SlotMigration {

		final int slot;
		final Node from;
		final Node to;

		private SlotMigration(int slot, Node from, Node to) {
			this.slot = slot;
			this.from = from;
			this.to = to;
		}

		/** Moves {@code keys} (of this slot) to the target now: the owner answers {@code ASK} for them from then on. */
		void migrate(String... keys) {
			for (String key : keys) {
				if (slot(key) != slot) {
					throw new IllegalArgumentException(key + " is not in slot " + slot);
				}
			}
			if (keys.length > 0) {
				commands(from).migrate(HOST, to.port, 0, SETTLE.toMillis(), MigrateArgs.Builder.keys(keys));
			}
		}

		/** Moves every key the owner still has in this slot. */
		void migrateKeys() {
			for (List<String> keys; !(keys = commands(from).clusterGetKeysInSlot(slot, 100)).isEmpty();) {
				migrate(keys.toArray(String[]::new));
			}
		}

		/**
		 * Gives the slot to the target (told first, then the old owner, then the others) and waits
		 * until every node agrees.
		 */
		void finish() {
			List<Node> masters = topology().masters();
			commands(to).clusterSetSlotNode(slot, to.id);
			commands(from).clusterSetSlotNode(slot, to.id);
			for (Node master : masters) {
				if (master != to && master != from) {
					commands(master).clusterSetSlotNode(slot, to.id);
				}
			}
			await("agreed that " + to + " owns slot " + slot, t -> t.owner(slot) == to ? null : "slot " + slot + " is still " + t.owner(slot) + "'s");
		}
	}

	private Topology awaitHealthy(String what) {
		return await(what, t -> {
			if (!t.failed().isEmpty()) {
				return "failed nodes " + t.failed();
			}
			if (t.masters().size() != masters || t.replicas().size() != masters * replicasPerMaster) {
				return "not " + masters + " masters and " + masters * replicasPerMaster + " replicas";
			}
			for (Node master : t.masters()) {
				if (t.replicasOf(master).size() != replicasPerMaster) {
					return master + " has replicas " + t.replicasOf(master);
				}
			}
			return null;
		});
	}

	/**
	 * Polls until every live node is ok and agrees with the others, and {@code problem} (null when
	 * satisfied) finds nothing wrong with the topology they agree on.
	 */
	private Topology await(String what, Function<Topology, String> problem) {
		long deadline = System.nanoTime() + SETTLE.toNanos();
		while (true) {
			String wrong;
			Topology topology = null;
			try {
				Object view = read();
				if (view instanceof Topology t) {
					topology = t;
					wrong = problem.apply(t);
				}
				else {
					wrong = (String) view;
				}
			}
			catch (RuntimeException e) {
				wrong = e.toString();
			}
			if (wrong == null) {
				return topology;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the Redis Cluster was not " + what + " within " + SETTLE + ": " + wrong
						+ (topology != null ? "\n" + topology : "") + "\n" + logTails());
			}
			LockSupport.parkNanos(POLL.toNanos());
		}
	}

	/** The topology all live nodes agree on, or what is not settled yet. */
	private Object read() {
		String agreed = null;
		Partitions view = null;
		Node viewer = null;
		for (Node node : nodes) {
			if (!node.alive()) {
				continue;
			}
			RedisCommands<String, String> redis = commands(node);
			Map<String, String> info = fields(redis.clusterInfo());
			if (!"ok".equals(info.get("cluster_state"))) {
				return node + " says cluster_state:" + info.get("cluster_state");
			}
			if (!Integer.toString(SLOTS).equals(info.get("cluster_slots_ok"))) {
				return node + " says cluster_slots_ok:" + info.get("cluster_slots_ok");
			}
			Partitions partitions = ClusterPartitionParser.parse(redis.clusterNodes());
			String summary = summary(partitions);
			if (agreed == null) {
				agreed = summary;
				view = partitions;
				viewer = node;
			}
			else if (!agreed.equals(summary)) {
				return node + " and " + viewer + " disagree:\n" + summary + "\n" + agreed;
			}
		}
		if (view == null) {
			return "no node is running";
		}
		for (RedisClusterNode n : view) {
			Node node = byPort(n.getUri().getPort());
			if (node == null || !node.id.equals(n.getNodeId())) {
				return "unknown node " + n.getNodeId() + " at " + n.getUri() + " (joining)";
			}
			if (node.alive() && (n.is(NodeFlag.FAIL) || n.is(NodeFlag.EVENTUAL_FAIL))) {
				return node + " is running but flagged failing";
			}
			if (!node.alive() && !n.is(NodeFlag.FAIL)) {
				return node + " is not running but not flagged failed yet";
			}
		}
		Topology topology = new Topology(view);
		for (Node replica : topology.replicas()) {
			String link = fields(commands(replica).info("replication")).get("master_link_status");
			if (!"up".equals(link)) {
				return "replica " + replica + " is not in sync with its master (master_link_status:" + link + ")";
			}
		}
		return topology;
	}

	/** One node's view in a form two views can be compared in: per node, its role, its master, whether it failed, its slots. */
	private static String summary(Partitions partitions) {
		return partitions.stream()
				.sorted(Comparator.comparing(RedisClusterNode::getNodeId))
				.map(n -> n.getNodeId() + " " + n.getUri().getPort() + " " + (n.is(NodeFlag.UPSTREAM) ? "master" : "replica of " + n.getSlaveOf())
						+ (n.is(NodeFlag.FAIL) ? " failed" : "") + " " + ranges(n))
				.collect(Collectors.joining("\n"));
	}

	private static String ranges(RedisClusterNode node) {
		StringBuilder ranges = new StringBuilder();
		int from = -1;
		for (int slot = 0; slot <= SLOTS; slot++) {
			boolean has = slot < SLOTS && node.hasSlot(slot);
			if (has && from < 0) {
				from = slot;
			}
			else if (!has && from >= 0) {
				ranges.append(ranges.length() == 0 ? "" : ",").append(from).append('-').append(slot - 1);
				from = -1;
			}
		}
		return ranges.toString();
	}

	private static Map<String, String> fields(String info) {
		Map<String, String> fields = new HashMap<>();
		for (String line : info.split("\r?\n")) {
			int colon = line.indexOf(':');
			if (colon > 0) {
				fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
			}
		}
		return fields;
	}

	private Node byPort(int port) {
		for (Node node : nodes) {
			if (node.port == port) {
				return node;
			}
		}
		return null;
	}

	private String logTails() {
		return nodes.stream().map(n -> "--- " + n + (n.alive() ? "" : " (not running)") + ", last lines:\n" + n.logTail())
				.collect(Collectors.joining("\n"));
	}

	private static void waitFor(Process process, Object what) {
		try {
			if (!process.waitFor(SETTLE.toSeconds(), TimeUnit.SECONDS)) {
				throw new IllegalStateException(what + " did not stop");
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	private void destroyAll() {
		Process cliProcess = create;
		if (cliProcess != null) {
			cliProcess.destroyForcibly();
		}
		for (Node node : nodes) {
			if (node.process != null) {
				node.process.destroyForcibly();
			}
		}
	}

	/**
	 * Kills every process (SIGKILL: nothing is kept anyway), waits for them, deletes the
	 * directories. Safe to call more than once, and on a cluster that never finished starting.
	 */
	@Override
	public void close() {
		if (closed) {
			return;
		}
		closed = true;
		List<RuntimeException> problems = new ArrayList<>();
		destroyAll();
		for (Node node : nodes) {
			if (node.process != null) {
				try {
					waitFor(node.process, node);
				}
				catch (RuntimeException e) {
					problems.add(e);
				}
			}
		}
		try {
			admin.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			resources.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
		}
		catch (Exception e) {
			problems.add(new IllegalStateException("the harness's client did not stop", e));
		}
		try (Stream<Path> files = Files.walk(root)) {
			for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException | UncheckedIOException e) {
			problems.add(new IllegalStateException("could not delete " + root, e));
		}
		try {
			Runtime.getRuntime().removeShutdownHook(killOnExit);
		}
		catch (IllegalStateException shuttingDown) {
			// the hook is running or about to: nothing left for it to do
		}
		if (!problems.isEmpty()) {
			IllegalStateException failure = new IllegalStateException("the Redis Cluster did not stop cleanly");
			problems.forEach(failure::addSuppressed);
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "RedisCluster" + nodes;
	}

	/** One redis-server of the cluster; its role is whatever the current {@link Topology} says. */
	static final class Node {

		final int index;
		final Path dir;
		volatile int port;
		volatile int busPort;
		volatile Process process;
		volatile String id;
		/** A slot it owned when it was killed, -1 if none: where to look for its successor. */
		volatile int ownedBeforeKill = -1;
		/** {@link System#nanoTime()} when it was last killed. */
		volatile long killedAt;
		/** Guarded by this. */
		StatefulRedisConnection<String, String> connection;
		private final Deque<String> log = new ArrayDeque<>();

		Node(int index, Path dir, int port, int busPort) {
			this.index = index;
			this.dir = dir;
			this.port = port;
			this.busPort = busPort;
		}

		int port() {
			return port;
		}

		/** Its cluster node ID, 40 hex digits. */
		String id() {
			return id;
		}

		/** A fresh URI of this node. */
		RedisURI uri() {
			return RedisURI.builder().withHost(HOST).withPort(port).withTimeout(Duration.ofSeconds(10)).build();
		}

		/** {@link System#nanoTime()} at its last SIGKILL. */
		long killedAt() {
			return killedAt;
		}

		boolean alive() {
			Process p = process;
			return p != null && p.isAlive();
		}

		private void log(String line) {
			synchronized (log) {
				if (log.size() == LOG_LINES) {
					log.removeFirst();
				}
				log.addLast(line);
			}
		}

		String logTail() {
			synchronized (log) {
				return String.join("\n", log);
			}
		}

		@Override
		public String toString() {
			return HOST + ":" + port + (id != null ? " (" + id.substring(0, 8) + ")" : "");
		}
	}

	/** Who held what at one moment, as every live node agreed. */
	final class Topology {

		private final Node[] owners = new Node[SLOTS];
		private final List<Node> masters = new ArrayList<>();
		private final Map<Node, List<Node>> replicas = new LinkedHashMap<>();
		private final Map<Node, Node> masterOf = new HashMap<>();
		private final List<Node> failed = new ArrayList<>();

		private Topology(Partitions view) {
			Map<String, Node> byId = new HashMap<>();
			for (RedisClusterNode n : view) {
				Node node = Objects.requireNonNull(byPort(n.getUri().getPort()), () -> "no node at " + n.getUri());
				byId.put(n.getNodeId(), node);
				if (n.is(NodeFlag.FAIL)) {
					failed.add(node);
				}
				n.forEachSlot(slot -> owners[slot] = node);
			}
			for (RedisClusterNode n : view) {
				Node node = byId.get(n.getNodeId());
				if (failed.contains(node)) {
					continue;
				}
				if (n.is(NodeFlag.UPSTREAM)) {
					masters.add(node);
					replicas.putIfAbsent(node, new ArrayList<>());
				}
				else {
					Node master = Objects.requireNonNull(byId.get(n.getSlaveOf()), () -> node + " replicates an unknown node");
					masterOf.put(node, master);
					replicas.computeIfAbsent(master, m -> new ArrayList<>()).add(node);
				}
			}
			masters.sort(Comparator.comparingInt(n -> n.index));
		}

		/** The running masters. */
		List<Node> masters() {
			return List.copyOf(masters);
		}

		/** The running replicas. */
		List<Node> replicas() {
			return List.copyOf(masterOf.keySet().stream().sorted(Comparator.comparingInt(n -> n.index)).toList());
		}

		/** The running replicas of {@code master}. */
		List<Node> replicasOf(Node master) {
			return List.copyOf(replicas.getOrDefault(master, List.of()));
		}

		/** A running replica of {@code master}, if it has one. */
		Optional<Node> replicaOf(Node master) {
			return replicasOf(master).stream().findFirst();
		}

		/** The master of {@code replica}, or {@code null} if it is not a running replica. */
		Node masterOf(Node replica) {
			return masterOf.get(replica);
		}

		/** Nodes every live node flags failed: killed and not restarted. */
		List<Node> failed() {
			return List.copyOf(failed);
		}

		/** The master owning {@code slot}. */
		Node owner(int slot) {
			return owners[slot];
		}

		/** The master owning {@code key}'s slot. */
		Node ownerOf(String key) {
			return owners[slot(key)];
		}

		/** How many slots {@code master} owns. */
		int slotCount(Node master) {
			int count = 0;
			for (Node owner : owners) {
				if (owner == master) {
					count++;
				}
			}
			return count;
		}

		int firstSlotOf(Node master) {
			for (int slot = 0; slot < SLOTS; slot++) {
				if (owners[slot] == master) {
					return slot;
				}
			}
			return -1;
		}

		@Override
		public String toString() {
			return masters.stream().map(m -> m + " [" + slotCount(m) + " slots] <- " + replicasOf(m))
					.collect(Collectors.joining("; ", "Topology[", failed.isEmpty() ? "]" : "; failed " + failed + "]"));
		}
	}
}
