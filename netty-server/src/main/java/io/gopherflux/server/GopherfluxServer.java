package io.gopherflux.server;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.gopherflux.ratelimit.MicrometerRateLimiterMetrics;
import io.gopherflux.ratelimit.redis.MicrometerRedisLimiterMetrics;
import io.gopherflux.ratelimit.redis.RedisRateLimiterConfig;
import io.gopherflux.ratelimit.redis.RedisRateLimiters;
import io.gopherflux.server.internal.http.Durations;
import io.gopherflux.server.limit.ClientLimiter;
import io.gopherflux.server.internal.limit.ConnectionGuard;
import io.gopherflux.server.limit.FairWorkers;
import io.gopherflux.server.limit.InMemoryClientLimiter;
import io.gopherflux.server.limit.MicrometerLimitMetrics;
import io.gopherflux.server.limit.RedisClientLimiter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The runnable gopherflux server: {@link GopherfluxRoutes} on a Reactor Netty {@link HttpServer},
 * with Prometheus metrics (Reactor Netty's own server meters and the JVM's included) and a graceful
 * shutdown that stops accepting, lets open streams finish for the drain timeout, then ends those
 * still open with a final {@code shutdown} event. A conformance check guards the HTTP/1.1 rules
 * Reactor Netty leaves open. Connections are bounded by the
 * {@link io.gopherflux.server.limit.ConnectionLimits}: a connection guard runs the header-read
 * and idle timeouts and caps the connections per address. Its demo streams write some events with
 * Jackson, so running it needs {@code jackson-databind} on the classpath (an optional dependency of
 * this module, there when the module itself runs it).
 * <p>
 * {@code main} reads the configuration from flags and the environment (see {@link ServerConfig}),
 * exits with status 2 and one line per bad value if it is wrong, and shuts down gracefully on
 * SIGTERM, then exits with status 0.
 */
public final class GopherfluxServer implements AutoCloseable {

	private static final Logger LOG = Loggers.getLogger(GopherfluxServer.class);
	/** Reactor Netty's system property for how many items a response body is asked for ahead. */
	static final String SEND_PREFETCH = "reactor.netty.send.maxPrefetchSize";
	/** How long streams ended by a shutdown have to write their final event before their connections close (5 s). */
	static final Duration END_GRACE = Duration.ofSeconds(5);

	private final ServerConfig config;
	private final DisposableServer server;
	private final ChannelGroup channels;
	private final ClientLimiter limiter;
	private final PrometheusMeterRegistry registry;
	private final GopherfluxRoutes routes;
	private final FairWorkers workers;
	private final ConnectionGuard guard;
	private final ProcessMeters processMeters;
	private volatile boolean closed;
	/** Open until a shutdown has finished: what {@code main} waits for. */
	private final CountDownLatch stopped = new CountDownLatch(1);

	private GopherfluxServer(ServerConfig config, DisposableServer server, ChannelGroup channels, ClientLimiter limiter,
			PrometheusMeterRegistry registry, GopherfluxRoutes routes, FairWorkers workers, ConnectionGuard guard,
			ProcessMeters processMeters) {
		this.guard = guard;
		this.processMeters = processMeters;
		this.config = config;
		this.server = server;
		this.channels = channels;
		this.limiter = limiter;
		this.registry = registry;
		this.routes = routes;
		this.workers = workers;
	}

	/**
	 * Starts a server on the real clock.
	 *
	 * @param config the configuration
	 * @return the running server
	 */
	public static GopherfluxServer start(ServerConfig config) {
		return start(config, Schedulers.parallel());
	}

	/**
	 * Starts a server whose timers (stream throttles, heartbeats, stewards, replicas, the in-memory
	 * limiter's clock) all run on {@code timers}: a {@code VirtualTimeScheduler} makes them
	 * controllable in tests.
	 *
	 * @param config the configuration
	 * @param timers the scheduler of every timer
	 * @return the running server
	 */
	public static GopherfluxServer start(ServerConfig config, Scheduler timers) {
		return start(config, timers, routes -> { });
	}

	/**
	 * Starts a server with the built-in endpoints and the user's own, registered by {@code more}
	 * after them: the user's streams get the same hardening (conformance checks, connection guard,
	 * timeouts), metrics and graceful drain as the built-in ones.
	 *
	 * @param config the configuration
	 * @param timers the scheduler of every timer
	 * @param more   registers the user's endpoints on the routes builder
	 * @return the running server
	 */
	public static GopherfluxServer start(ServerConfig config, Scheduler timers, Consumer<GopherfluxRoutes.Builder> more) {
		Objects.requireNonNull(config, "config");
		Objects.requireNonNull(timers, "timers");
		Objects.requireNonNull(more, "more");
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Metrics.addRegistry(registry);
		ProcessMeters processMeters = ProcessMeters.bindTo(registry);
		MicrometerLimitMetrics limitMetrics = new MicrometerLimitMetrics(registry);
		ClientLimiter limiter = limiter(config, registry, limitMetrics, timers);
		FairWorkers workers = FairWorkers.newPool("gopherflux-workers", Runtime.getRuntime().availableProcessors());
		ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
		ConnectionGuard guard = new ConnectionGuard(config.connections(), config.trustedProxies(), limitMetrics);
		limitMetrics.openConnections(guard::open);
		try {
			GopherfluxRoutes.Builder builder = GopherfluxRoutes.builder(config, limiter, registry, timers)
					.serverEndpoints()
					.demoStreams(workers);
			more.accept(builder);
			GopherfluxRoutes routes = builder.build();
			DisposableServer server = routes.mount(HttpServer.create()
					.host(config.host())
					.port(config.port())
					.channelGroup(channels)
					.metrics(true, uri -> metricsUri(routes, uri)), guard)
					.bindNow();
			return new GopherfluxServer(config, server, channels, limiter, registry, routes, workers, guard, processMeters);
		}
		catch (RuntimeException e) {
			limiter.close();
			workers.close();
			processMeters.close();
			Metrics.removeRegistry(registry);
			throw e;
		}
	}

	private static ClientLimiter limiter(ServerConfig config, PrometheusMeterRegistry registry,
			MicrometerLimitMetrics limitMetrics, Scheduler timers) {
		MicrometerRateLimiterMetrics metrics = new MicrometerRateLimiterMetrics(registry, "admission");
		if (config.redisUri() == null) {
			InMemoryClientLimiter inMemory = new InMemoryClientLimiter(timers, metrics, limitMetrics, config.maxClients());
			limitMetrics.limiterClients(inMemory::clients);
			return inMemory;
		}
		return new RedisClientLimiter(RedisRateLimiters.create(RedisRateLimiterConfig.builder(config.redisUri())
				.name("admission")
				.failurePolicy(config.redisFailurePolicy())
				.metrics(metrics)
				.redisMetrics(new MicrometerRedisLimiterMetrics(registry, "admission"))
				.build()));
	}

	/** Metrics are tagged by endpoint path; any other path is one tag, so a scanner cannot grow the registry. */
	private static String metricsUri(GopherfluxRoutes routes, String uri) {
		int query = uri.indexOf('?');
		String path = query < 0 ? uri : uri.substring(0, query);
		return routes.paths().contains(path) ? path : "other";
	}

	/**
	 * The port the server listens on.
	 *
	 * @return the bound port (the one picked when the configuration asked for port 0)
	 */
	public int port() {
		return server.port();
	}

	/**
	 * The streams open now, of every client.
	 *
	 * @return the number of open streams
	 */
	public int activeStreams() {
		return routes.activeStreams();
	}

	/**
	 * The streams {@code client} has open now.
	 *
	 * @param client the client ({@code key:...} or {@code ip:...})
	 * @return the number of its open streams
	 */
	public int activeStreams(String client) {
		return routes.activeStreams(client);
	}

	/**
	 * The registry {@code /metrics} serves.
	 *
	 * @return the server's Prometheus registry
	 */
	public PrometheusMeterRegistry registry() {
		return registry;
	}

	/**
	 * The connections open now, and per address.
	 *
	 * @return the guard that counts and caps the server's connections
	 */
	public ConnectionGuard connections() {
		return guard;
	}

	/**
	 * The configuration the server runs with.
	 *
	 * @return the configuration given at start
	 */
	public ServerConfig config() {
		return config;
	}

	/** {@link #shutdown(Duration)} with the configured drain timeout. */
	@Override
	public void close() {
		shutdown(config.drainTimeout());
	}

	/**
	 * Stops accepting connections, lets requests in progress (open streams among them) finish for at
	 * most {@code drain}, then ends the streams still open with a final {@code shutdown} event
	 * (giving them {@link #END_GRACE} to write it) and closes every connection, which cancels
	 * whatever is left.
	 *
	 * @param drain how long requests in progress may run before the server ends them
	 * @return whether every request finished within {@code drain}, none ended by the server
	 */
	public boolean shutdown(Duration drain) {
		Objects.requireNonNull(drain, "drain");
		if (closed) {
			return true;
		}
		closed = true;
		// Reactor Netty's own drain closes every connection when it times out, so streams are
		// ended by a timer of ours at the drain timeout, while its drain still waits for them.
		AtomicBoolean ended = new AtomicBoolean();
		Disposable endAtTimeout = Mono.delay(drain, Schedulers.parallel()).subscribe(tick -> {
			if (routes.activeStreams() > 0) {
				ended.set(true);
				LOG.warn("{} streams still open after the {} drain timeout; ending them",
						routes.activeStreams(), Durations.format(drain));
				routes.endStreams();
			}
		});
		boolean drained = true;
		try {
			server.disposeNow(drain.plus(END_GRACE));
		}
		catch (IllegalStateException e) {
			drained = false;
			LOG.warn("connections still busy {} after the drain timeout; closing them", Durations.format(END_GRACE));
		}
		endAtTimeout.dispose();
		channels.close().awaitUninterruptibly(5_000);
		limiter.close();
		workers.close();
		processMeters.close();
		Metrics.removeRegistry(registry);
		registry.close();
		stopped.countDown();
		return drained && !ended.get();
	}

	/**
	 * Runs the server until SIGTERM (or Ctrl-C), then shuts it down gracefully. A bad option is
	 * printed to stderr and ends the process with status 2.
	 *
	 * @param args the options, each {@code --name=value} (see {@link ServerConfig#parse})
	 */
	public static void main(String[] args) {
		// Reactor Netty asks a response body for 128 items ahead; each of ours is a whole write batch,
		// so a few are plenty and a stalled reader pins far less memory. Read once, before its classes load.
		if (System.getProperty(SEND_PREFETCH) == null) {
			System.setProperty(SEND_PREFETCH, "16");
		}
		ServerConfig config;
		try {
			config = ServerConfig.parse(List.of(args), System.getenv());
		}
		catch (IllegalArgumentException e) {
			System.err.println(e.getMessage());
			System.exit(2);
			return;
		}
		GopherfluxServer server = start(config);
		TerminationSignal.onTerminate(server::close);
		System.out.println("gopherflux server listening on http://" + config.host() + ":" + server.port()
				+ " (" + (config.redisUri() == null ? "in-memory" : "Redis") + " rate limiting; GET / lists the endpoints)");
		// Not the server's onDispose: that comes as the drain begins, and the JVM would exit mid-drain.
		try {
			server.stopped.await();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}
}
