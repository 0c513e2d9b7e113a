package io.gopherflux.ratelimit.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;

/**
 * One Redis (or one found through Sentinel): scripts on its connection, probed with {@code PING}.
 */
final class StandaloneEndpoint extends RedisEndpoint<StatefulRedisConnection<String, String>> {

	private StandaloneEndpoint(String display, Supplier<CompletableFuture<StatefulRedisConnection<String, String>>> connect,
			StatefulRedisConnection<String, String> lent, List<Supplier<Future<?>>> shutdowns, RedisRateLimiterConfig config) {
		super(display, connect, lent, shutdowns, config.scheduler(), config.retryInterval());
	}

	/**
	 * On a client of this library's own, on {@code resources} ({@code null}: its own too): closes
	 * the connection, the client and the resources it made.
	 */
	static StandaloneEndpoint own(RedisURI uri, ClientResources resources, RedisRateLimiterConfig config) {
		ClientResources shared = resources != null ? resources : ownResources(config);
		RedisClient client = RedisClient.create(shared);
		// A disconnected Redis rejects calls at once (the failure policy decides) instead of queueing them.
		client.setOptions(ownOptions(ClientOptions.builder(), config)
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.build());
		uri.setTimeout(config.timeout());
		List<Supplier<Future<?>>> shutdowns = new ArrayList<>();
		shutdowns.add(() -> client.shutdownAsync(0, 2, TimeUnit.SECONDS));
		if (resources == null) {
			shutdowns.add(shutdownOf(shared));
		}
		return new StandaloneEndpoint(uri.toString(), connector(client, uri), null, shutdowns, config);
	}

	/** On the application's client: closes only the connection it opens. */
	static StandaloneEndpoint on(RedisClient client, RedisURI uri, RedisRateLimiterConfig config) {
		return new StandaloneEndpoint(uri.toString(), connector(client, uri), null, List.of(), config);
	}

	/** On the application's connection: closes nothing. */
	static StandaloneEndpoint on(StatefulRedisConnection<String, String> connection, RedisRateLimiterConfig config) {
		return new StandaloneEndpoint("the application's connection", null, connection, List.of(), config);
	}

	@SuppressWarnings("unchecked")
	private static Supplier<CompletableFuture<StatefulRedisConnection<String, String>>> connector(RedisClient client, RedisURI uri) {
		return () -> (CompletableFuture<StatefulRedisConnection<String, String>>) (CompletableFuture<?>) client
				.connectAsync(StringCodec.UTF8, uri)
				.toCompletableFuture();
	}

	@Override
	RedisClusterAsyncCommands<String, String> commandsOf(StatefulRedisConnection<String, String> connection) {
		return connection.async();
	}

	@Override
	CompletionStage<?> probe(StatefulRedisConnection<String, String> connection) {
		return connection.async().ping();
	}

	@Override
	boolean cluster() {
		return false;
	}
}
