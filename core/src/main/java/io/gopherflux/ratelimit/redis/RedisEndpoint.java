package io.gopherflux.ratelimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Supplier;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Where the scripts run: one Redis ({@link StandaloneEndpoint}) or a Redis Cluster
 * ({@link ClusterEndpoint}), on a connection this library opened (on its own client, or on the
 * application's) or on one the application lent. It knows what it opened, and closes only that.
 * <p>
 * Creating connects in the background; a connection that never came up (Redis down at startup) is
 * made again when next asked for, at most once per retry interval. Lettuce reconnects a connection
 * it once had by itself.
 *
 * @param <C> the connection's type
 */
abstract class RedisEndpoint<C extends StatefulConnection<String, String>> {

	/** Commands waiting to be written when Redis is slow: beyond this, calls fail (and the policy decides) instead of queueing. */
	static final int REQUEST_QUEUE_SIZE = 65_536;

	/** How many timeouts a late answer may take and still be seen (and given back) rather than dropped by Lettuce. */
	static final int LATE_ANSWER_FACTOR = 10;

	/** The bound of each step of {@link #close()}. */
	private static final Duration CLOSE_STEP = Duration.ofSeconds(3);

	/** Per instance, so that one made under a test's capturing logger factory logs there. */
	private final Logger log = Loggers.getLogger(RedisEndpoint.class);
	private final String display;
	/** Opens a connection; {@code null} if the application lent one. */
	private final Supplier<CompletableFuture<C>> connect;
	/** What this endpoint opened besides the connection, shut down after it in this order. */
	private final List<Supplier<Future<?>>> shutdowns;
	private final Scheduler scheduler;
	private final long reconnectIntervalNanos;
	private final AtomicLong lastConnect;

	private volatile Link<C> link;
	@SuppressWarnings("rawtypes")
	private static final AtomicReferenceFieldUpdater<RedisEndpoint, Link> LINK =
			AtomicReferenceFieldUpdater.newUpdater(RedisEndpoint.class, Link.class, "link");

	private volatile boolean closed;

	/** A connection (being made, made, or failed) and its commands. */
	private record Link<C>(CompletableFuture<C> connection, CompletableFuture<RedisClusterAsyncCommands<String, String>> commands) {
	}

	/**
	 * @param display         where Redis is, without passwords
	 * @param connect         opens a connection, or {@code null} when {@code lent} is the application's
	 * @param lent            the application's connection, or {@code null}
	 * @param shutdowns       what to shut down after the connection is closed (the client and
	 *                        resources this endpoint made), in order
	 * @param scheduler       whose clock paces new attempts to connect
	 * @param reconnectEvery  the least time between two attempts to connect anew
	 */
	RedisEndpoint(String display, Supplier<CompletableFuture<C>> connect, C lent, List<Supplier<Future<?>>> shutdowns,
			Scheduler scheduler, Duration reconnectEvery) {
		this.display = display;
		this.connect = connect;
		this.shutdowns = List.copyOf(shutdowns);
		this.scheduler = scheduler;
		this.reconnectIntervalNanos = reconnectEvery.toNanos();
		this.lastConnect = new AtomicLong(scheduler.now(TimeUnit.NANOSECONDS));
		this.link = link(connect != null ? connect.get() : CompletableFuture.completedFuture(Objects.requireNonNull(lent, "connection")));
	}

	private Link<C> link(CompletableFuture<C> connection) {
		return new Link<>(connection, connection.thenApply(this::commandsOf));
	}

	/** The connection's asynchronous commands (both topologies' extend these); reads no field (it may run in this constructor). */
	abstract RedisClusterAsyncCommands<String, String> commandsOf(C connection);

	/** Asks Redis whether the scripts can run: completes if they can, fails if not. */
	abstract CompletionStage<?> probe(C connection);

	/** Whether this is a Redis Cluster. */
	abstract boolean cluster();

	/** Where Redis is, without passwords. */
	final String display() {
		return display;
	}

	/**
	 * The commands of the current connection: a completed future once connected. If the connection
	 * never came up, tries anew (at most once per retry interval) and returns that attempt.
	 */
	final CompletableFuture<RedisClusterAsyncCommands<String, String>> commands() {
		return current().commands;
	}

	/** {@link #probe(StatefulConnection)} on the current connection, not cancelling Lettuce's calls. */
	final Mono<Void> probe() {
		return Mono.fromFuture(current().connection.thenCompose(this::probe), true).then();
	}

	private Link<C> current() {
		Link<C> current = link;
		if (connect == null || !current.connection.isCompletedExceptionally() || closed) {
			return current;
		}
		long now = scheduler.now(TimeUnit.NANOSECONDS);
		long last = lastConnect.get();
		if (now - last < reconnectIntervalNanos || !lastConnect.compareAndSet(last, now)) {
			return current;
		}
		Link<C> fresh = link(connect.get());
		if (!LINK.compareAndSet(this, current, fresh)) {
			fresh.connection.thenAccept(StatefulConnection::closeAsync);
			return link;
		}
		return fresh;
	}

	boolean closed() {
		return closed;
	}

	/**
	 * Closes the connection if this endpoint opened it, then whatever else it made (its client,
	 * its client resources), waiting a few seconds at most for each; nothing the application lent.
	 */
	final void close() {
		closed = true;
		if (connect != null) {
			// A connection still being made when the client shuts down can stall Lettuce's own
			// blocking shutdown forever: let it finish (or fail) first, then close it.
			await(link.connection.handle((c, e) -> c)
					.thenCompose(c -> c != null ? c.closeAsync() : CompletableFuture.completedFuture(null)), "the connection did not close");
		}
		for (Supplier<Future<?>> shutdown : shutdowns) {
			await(shutdown.get(), "the client or its threads did not stop");
		}
	}

	private void await(Future<?> step, String whenLate) {
		try {
			step.get(CLOSE_STEP.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException e) {
			log.debug("Redis endpoint {} closing: {} in time", display, whenLate, e);
		}
	}

	/** Client resources of this library's own: reconnect soon after Redis is back, not after Lettuce's default backoff of up to 30 s. */
	static ClientResources ownResources(RedisRateLimiterConfig config) {
		return DefaultClientResources.builder()
				.reconnectDelay(Delay.exponential(Duration.ofMillis(10), config.retryInterval(), 2, TimeUnit.MILLISECONDS))
				.build();
	}

	/** Shuts down resources this library made, with bounds. */
	static Supplier<Future<?>> shutdownOf(ClientResources resources) {
		return () -> resources.shutdown(0, 2, TimeUnit.SECONDS);
	}

	/**
	 * What both topologies' own clients set: reconnect, a bounded queue, and Lettuce's own timeout
	 * well past the limiter's, so that an answer arriving after the limiter gave up (a reservation
	 * nobody will use) is still seen and given back.
	 */
	static <B extends ClientOptions.Builder> B ownOptions(B builder, RedisRateLimiterConfig config) {
		builder.autoReconnect(true)
				.requestQueueSize(REQUEST_QUEUE_SIZE)
				.timeoutOptions(TimeoutOptions.enabled(config.timeout().multipliedBy(LATE_ANSWER_FACTOR)))
				.socketOptions(SocketOptions.builder().connectTimeout(config.timeout()).build());
		return builder;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + display + (connect == null ? ", lent connection" : "") + "]";
	}
}
