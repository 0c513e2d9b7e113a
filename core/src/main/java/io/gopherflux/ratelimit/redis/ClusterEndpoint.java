package io.gopherflux.ratelimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.PartitionSelectorException;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;

/**
 * A Redis Cluster through Lettuce's cluster client: each script goes to the master of its first
 * key's slot (all of a budget's keys share one, see {@link Budget}), which also answers its
 * {@code TIME}; Lettuce follows {@code MOVED} and {@code ASK} and refreshes its view of the
 * topology. Probed by asking every master of the client's view ({@code PING}), and the slot of a key
 * no master holds in that view if any (which fails, and makes Lettuce look at the topology again).
 */
final class ClusterEndpoint extends RedisEndpoint<StatefulRedisClusterConnection<String, String>> {

	/** A master that failed is out of the view at once, so that calls for its slots fail fast until its replica is seen promoted. */
	static final Predicate<RedisClusterNode> LIVE_NODES =
			node -> !(node.is(NodeFlag.FAIL) || node.is(NodeFlag.EVENTUAL_FAIL) || node.is(NodeFlag.NOADDR));

	/**
	 * How often the own client reloads its view of the topology. Adaptive refreshes alone (on MOVED,
	 * reconnects, an uncovered slot) were seen to miss the promotion of a replica for the whole
	 * period when they fired before it (a 30 s period meant 30 s of failure policy), so the view is
	 * also reloaded this often: a CLUSTER NODES per node, a few commands a second at most.
	 */
	static final Duration PERIODIC_REFRESH = Duration.ofSeconds(2);

	/** An application's client refreshing its view less often than this, or never, is pointed at when the limiters are made. */
	static final Duration SLOW_PERIODIC_REFRESH = Duration.ofSeconds(10);

	private ClusterEndpoint(String display, Supplier<CompletableFuture<StatefulRedisClusterConnection<String, String>>> connect,
			StatefulRedisClusterConnection<String, String> lent, List<Supplier<Future<?>>> shutdowns,
			RedisRateLimiterConfig config) {
		super(display, connect, lent, shutdowns, config.scheduler(), config.retryInterval());
	}

	/**
	 * On a cluster client of this library's own, on {@code resources} ({@code null}: its own too),
	 * set for a quick recovery from a failover: failed nodes out of the view, adaptive refreshes up
	 * to one per retry interval, a periodic refresh as a safety net.
	 */
	static ClusterEndpoint own(List<RedisURI> seeds, ClientResources resources, RedisRateLimiterConfig config) {
		ClientResources shared = resources != null ? resources : ownResources(config);
		for (RedisURI seed : seeds) {
			seed.setTimeout(config.timeout());
		}
		RedisClusterClient client = RedisClusterClient.create(shared, seeds);
		// Commands to a node being reconnected wait (bounded by the timeout) rather than fail: the first
		// command to each node is sent while its connection is still being opened.
		client.setOptions(ownOptions(ClusterClientOptions.builder(), config)
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.DEFAULT)
				.nodeFilter(LIVE_NODES)
				.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
						.adaptiveRefreshTriggersTimeout(config.retryInterval())
						.enablePeriodicRefresh(PERIODIC_REFRESH)
						.build())
				.build());
		List<Supplier<Future<?>>> shutdowns = new ArrayList<>();
		shutdowns.add(() -> client.shutdownAsync(0, 2, TimeUnit.SECONDS));
		if (resources == null) {
			shutdowns.add(shutdownOf(shared));
		}
		return new ClusterEndpoint(RedisRateLimiterConfig.display(seeds), connector(client), null, shutdowns, config);
	}

	/** On the application's cluster client: closes only the connection it opens. */
	static ClusterEndpoint on(RedisClusterClient client, RedisRateLimiterConfig config) {
		return new ClusterEndpoint("the application's Redis Cluster", connector(client), null, List.of(), config);
	}

	/** On the application's cluster connection: closes nothing. */
	static ClusterEndpoint on(StatefulRedisClusterConnection<String, String> connection, RedisRateLimiterConfig config) {
		return new ClusterEndpoint("the application's Redis Cluster connection", null, connection, List.of(), config);
	}

	/** Loads the topology without blocking (a cluster connection needs it), then connects. */
	private static Supplier<CompletableFuture<StatefulRedisClusterConnection<String, String>>> connector(RedisClusterClient client) {
		return () -> client.refreshPartitionsAsync()
				.thenCompose(loaded -> client.connectAsync(StringCodec.UTF8))
				.toCompletableFuture();
	}

	/**
	 * What in the application's client options makes a failover slow to get over, or {@code null}
	 * if nothing: a view not refreshed periodically, or seldom, can keep a failed master's slots on
	 * the failed master (or on nobody) after its replica took over, until the next refresh; adaptive
	 * refreshes alone do not always see the promotion.
	 */
	static String slowFailoverAdvice(ClientOptions options) {
		if (!(options instanceof ClusterClientOptions cluster)) {
			return null;
		}
		ClusterTopologyRefreshOptions refresh = cluster.getTopologyRefreshOptions();
		if (refresh.isPeriodicRefreshEnabled() && refresh.getRefreshPeriod().compareTo(SLOW_PERIODIC_REFRESH) <= 0) {
			return null;
		}
		return "the cluster client refreshes its topology "
				+ (refresh.isPeriodicRefreshEnabled() ? "only every " + refresh.getRefreshPeriod().toSeconds() + " s" : "not periodically")
				+ ", so after a failover its view may keep a failed master's slots on the failed master, or on no node, "
				+ "until the next refresh, and the failure policy decides meanwhile; enable "
				+ "ClusterTopologyRefreshOptions.enablePeriodicRefresh(a few seconds) and consider "
				+ "ClusterClientOptions.nodeFilter dropping failed nodes";
	}

	@Override
	RedisClusterAsyncCommands<String, String> commandsOf(StatefulRedisClusterConnection<String, String> connection) {
		return connection.async();
	}

	@Override
	CompletionStage<?> probe(StatefulRedisClusterConnection<String, String> connection) {
		Partitions view = connection.getPartitions();
		Set<String> masters = new HashSet<>();
		List<CompletableFuture<?>> answers = new ArrayList<>();
		for (int slot = 0; slot < SlotHash.SLOT_COUNT; slot++) {
			RedisClusterNode master = view.getMasterBySlot(slot);
			if (master == null) {
				// Routed as a script would be: Lettuce fails it (no master) and refreshes its view.
				String uncovered = "no master for slot " + slot + " in the client's view";
				answers.add(connection.async().exists(keyIn(slot)).toCompletableFuture()
						.thenCompose(found -> CompletableFuture.failedFuture(new PartitionSelectorException(uncovered, view))));
				break;
			}
			if (masters.add(master.getNodeId())) {
				answers.add(connection.getConnectionAsync(master.getNodeId()).thenCompose(node -> node.async().ping()));
			}
		}
		return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
	}

	/** A key of {@code slot}: found by trying, a few thousand CRC16s on average. */
	static String keyIn(int slot) {
		for (int i = 0;; i++) {
			String key = Integer.toString(i);
			if (SlotHash.getSlot(key) == slot) {
				return key;
			}
		}
	}

	@Override
	boolean cluster() {
		return true;
	}
}
