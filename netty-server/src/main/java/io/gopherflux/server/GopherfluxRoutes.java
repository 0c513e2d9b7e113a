package io.gopherflux.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

import io.gopherflux.ratelimit.MicrometerRateLimiterMetrics;
import io.gopherflux.replicate.MicrometerReplicateMetrics;
import io.gopherflux.server.internal.endpoints.HealthEndpoint;
import io.gopherflux.server.internal.endpoints.HeartbeatEndpoint;
import io.gopherflux.server.internal.endpoints.IndexEndpoint;
import io.gopherflux.server.internal.endpoints.IntegersEndpoint;
import io.gopherflux.server.internal.endpoints.MetricsEndpoint;
import io.gopherflux.server.internal.endpoints.PrimesEndpoint;
import io.gopherflux.server.internal.endpoints.ReplicatedEndpoint;
import io.gopherflux.server.internal.endpoints.StreamShutdown;
import io.gopherflux.server.internal.endpoints.Streaming;
import io.gopherflux.server.internal.endpoints.WardEndpoint;
import io.gopherflux.server.internal.http.Cors;
import io.gopherflux.server.internal.http.HttpConformance;
import io.gopherflux.server.http.EventEncoder;
import io.gopherflux.server.http.Problem;
import io.gopherflux.server.http.ProblemException;
import io.gopherflux.server.internal.http.RequestHeaders;
import io.gopherflux.server.internal.limit.ClientKeys;
import io.gopherflux.server.internal.limit.ConnectionGuard;
import io.gopherflux.server.limit.ClientLimiter;
import io.gopherflux.server.limit.FairWorkers;
import io.gopherflux.server.limit.InMemoryClientLimiter;
import io.gopherflux.server.limit.LimitMetrics;
import io.gopherflux.server.limit.MicrometerLimitMetrics;
import io.gopherflux.server.internal.limit.StreamSlots;
import io.gopherflux.steward.MicrometerStewardMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import org.reactivestreams.Publisher;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * Streaming endpoints as Reactor Netty routes, mountable in any {@code HttpServer}, built with
 * {@link #builder(ServerConfig)}: a stream handler returns a {@code Flux<T>} and the routes do the
 * rest.
 * <pre>{@code
 * GopherfluxRoutes routes = GopherfluxRoutes.builder(config)
 *         .stream("/prices", params -> params.summary("prices of one symbol").integer("count", 100, 1, 10_000),
 *                 exchange -> prices(exchange.integer("count")),
 *                 Encoders.json(Price.class).withEventName(p -> "price").withEventId(p -> Long.toString(p.sequence())))
 *         .endpoint("/hello", params -> params.summary("a greeting"), exchange -> exchange.response().sendString(Mono.just("hi")))
 *         .build();
 * routes.mount(HttpServer.create().port(8080)).bindNow();   // or .route(routes.andThen(GopherfluxRoutes.notFound()))
 * }</pre>
 * Every stream is sent in the negotiated format (SSE or NDJSON, by {@code ?format=} or
 * {@code Accept}), in write batches, at most at the client's plan rate (lowered by
 * {@code ?rate=}), within the client's cap on open streams, with SSE keep-alive comments only when
 * it is idle, and ends with an {@code error} event (with a log ID) if its {@code Flux} fails; a
 * client that leaves cancels the {@code Flux}. Every request has its query validated against the
 * endpoint's declared {@link Parameters} (400 naming the parameter); a stream's client is admitted
 * by the {@link ClientLimiter} when the response is subscribed (429 with {@code Retry-After},
 * {@code RateLimit-Policy} and {@code RateLimit}; the latter two on every admitted stream). An
 * {@code X-Api-Key} that is none of the configured keys is charged to the client's address and,
 * if admitted, answered 401. A {@link ProblemException} from a handler becomes its problem+json
 * response; any other error is a bug, answered 500 with a log ID that matches the logged stack
 * trace. A known path asked with another method than GET or HEAD is a 405 (HEAD gets GET's header
 * fields and no body); {@link #notFound()} answers every other path 404. Browsers get the CORS
 * fields the configured origins are owed, and {@code OPTIONS} on a known path is answered 204.
 */
public final class GopherfluxRoutes implements Consumer<HttpServerRoutes>, AutoCloseable {

	private final Map<String, Route> routes;
	private final StreamSlots slots;
	private final StreamShutdown shutdown;
	private final RequestPipeline pipeline;
	private final Cors cors;
	private final List<AutoCloseable> owned;
	private final ServerConfig config;
	private final LimitMetrics limitMetrics;

	private GopherfluxRoutes(Builder builder) {
		this.routes = new LinkedHashMap<>();
		for (Route route : builder.routes) {
			this.routes.put(route.path(), route);
		}
		this.slots = builder.slots;
		this.shutdown = builder.shutdown;
		this.cors = new Cors(builder.config.cors());
		this.pipeline = new RequestPipeline(builder.config.plans(),
				new ClientKeys(builder.config.trustedProxies(), builder.config.plans().apiKeys().keySet()),
				builder.limiter, builder.limitMetrics);
		this.owned = List.copyOf(builder.owned);
		this.config = builder.config;
		this.limitMetrics = builder.limitMetrics;
	}

	/**
	 * Mounts these routes (and {@link #notFound()} after them) on {@code server} with the defences
	 * the runnable server has: malformed requests refused before any route (414, 431, 400
	 * problem+json), the configured cap on connections per address, the header-read timeout and the
	 * idle timeout.
	 * <pre>{@code
	 * DisposableServer server = routes.mount(HttpServer.create().port(8080)).bindNow();
	 * }</pre>
	 *
	 * @param server the server to configure (its host, port and other settings are kept)
	 * @return the configured server, not yet bound
	 */
	public HttpServer mount(HttpServer server) {
		Objects.requireNonNull(server, "server");
		return mount(server, new ConnectionGuard(config.connections(), config.trustedProxies(), limitMetrics));
	}

	/** {@link #mount(HttpServer)} with a guard of the caller's (the runnable server reports its connections). */
	HttpServer mount(HttpServer server, ConnectionGuard guard) {
		return server
				.doOnChannelInit((observer, channel, remote) -> {
					// The guard's request counter goes after the conformance check: a request refused there is
					// answered and its connection closed without any route, or the guard, seeing it.
					HttpConformance.install(observer, channel, remote);
					guard.install(observer, channel, remote);
				})
				.route(andThen(notFound()));
	}

	/**
	 * A builder of routes for a server configured by {@code config}, with an in-memory client
	 * limiter, a Prometheus registry of its own and timers on {@link Schedulers#parallel()}; the
	 * built routes close the limiter.
	 *
	 * @param config plans, trusted proxies, SSE keep-alive and retry, CORS origins (its port and
	 *               Redis settings are not read)
	 * @return a builder with {@code /} (the list of endpoints) registered
	 */
	public static Builder builder(ServerConfig config) {
		Objects.requireNonNull(config, "config");
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Scheduler timers = Schedulers.parallel();
		InMemoryClientLimiter limiter = new InMemoryClientLimiter(timers,
				new MicrometerRateLimiterMetrics(registry, "admission"), new MicrometerLimitMetrics(registry),
				config.maxClients());
		Builder builder = new Builder(config, limiter, registry, timers);
		builder.owned.add(limiter);
		return builder;
	}

	/**
	 * A builder of routes for a server configured by {@code config}, from its parts.
	 *
	 * @param config   plans, trusted proxies, SSE keep-alive and retry, CORS origins (its port and
	 *                 Redis settings are not read)
	 * @param limiter  the client limiter (not closed by the routes)
	 * @param registry where the library and the server report, and what {@code /metrics} serves
	 * @param timers   the scheduler of every timer (a virtual-time one in tests)
	 * @return a builder with {@code /} (the list of endpoints) registered
	 */
	public static Builder builder(ServerConfig config, ClientLimiter limiter, PrometheusMeterRegistry registry,
			Scheduler timers) {
		return new Builder(Objects.requireNonNull(config, "config"), Objects.requireNonNull(limiter, "limiter"),
				Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(timers, "timers"));
	}

	/**
	 * Registers endpoints, each once, in the order {@code GET /} lists them. Not thread-safe;
	 * {@link #build()} once.
	 */
	public static final class Builder {

		private final ServerConfig config;
		private final ClientLimiter limiter;
		private final PrometheusMeterRegistry registry;
		private final Scheduler timers;
		private final LimitMetrics limitMetrics;
		private final StreamSlots slots;
		private final StreamShutdown shutdown = new StreamShutdown();
		private final Streaming streaming;
		private final List<Route> routes = new ArrayList<>();
		private final List<AutoCloseable> owned = new ArrayList<>();

		private Builder(ServerConfig config, ClientLimiter limiter, PrometheusMeterRegistry registry, Scheduler timers) {
			this.config = config;
			this.limiter = limiter;
			this.registry = registry;
			this.timers = timers;
			this.limitMetrics = new MicrometerLimitMetrics(registry);
			this.slots = new StreamSlots(limitMetrics);
			Gauge.builder("gopherflux.server.active.streams", slots, StreamSlots::active)
					.description("Streams open now, of every client")
					.baseUnit("streams")
					.register(registry);
			this.streaming = new Streaming(timers, config.sseKeepAlive(), config.sseRetry(), slots, shutdown);
			IndexEndpoint index = new IndexEndpoint(() -> routes.stream()
					.map(r -> new IndexEndpoint.Entry(r.path(), r.parameters().names(), r.parameters().summary(),
							r.parameters().describe()))
					.toList());
			endpoint("/", params -> params.summary("this list"), index::handle);
		}

		/**
		 * Registers a stream at {@code path}: each admitted GET subscribes to the {@code Flux} the
		 * handler returns for its exchange and sends its elements as {@code encoder} writes them.
		 * The stream also takes {@code rate} and {@code format}. A {@code Last-Event-ID} sent by a
		 * reconnecting client is ignored: the stream starts over (see the overload with
		 * {@code resumeAfter}).
		 *
		 * @param path       the path, starting with {@code /}
		 * @param parameters declares the stream's own query parameters and summary
		 * @param handler    the elements of one request; called once per admitted request, after
		 *                   admission, and may throw {@link ProblemException} to refuse it
		 * @param encoder    each element's JSON, SSE event name and ID
		 * @param <T>        the element type
		 * @return this builder
		 * @throws IllegalArgumentException if the path is taken or malformed, or a parameter is declared twice
		 */
		public <T> Builder stream(String path, Consumer<Parameters> parameters, Function<Exchange, Flux<T>> handler,
				EventEncoder<? super T> encoder) {
			return stream(path, parameters, handler, encoder, null);
		}

		/**
		 * Registers a stream that a client can resume: a request carrying {@code Last-Event-ID}
		 * (as a reconnecting {@code EventSource} sends, with the ID of the last event it saw, as
		 * written by the encoder) gets the {@code Flux} of {@code resumeAfter} instead of the
		 * handler's. When that is {@link Flux#empty()} the client has seen everything and is
		 * answered 204, which stops an {@code EventSource} from reconnecting. {@code resumeAfter}
		 * throws {@link ProblemException#badParameter} naming {@code Last-Event-ID} for an ID that
		 * is none of the stream's.
		 *
		 * @param path        the path, starting with {@code /}
		 * @param parameters  declares the stream's own query parameters and summary
		 * @param handler     the elements of a fresh request
		 * @param encoder     each element's JSON, SSE event name and ID
		 * @param resumeAfter the elements after the given event ID, or null if the stream cannot resume
		 * @param <T>         the element type
		 * @return this builder
		 * @throws IllegalArgumentException if the path is taken or malformed, or a parameter is declared twice
		 */
		public <T> Builder stream(String path, Consumer<Parameters> parameters, Function<Exchange, Flux<T>> handler,
				EventEncoder<? super T> encoder, BiFunction<Exchange, String, Flux<T>> resumeAfter) {
			Objects.requireNonNull(handler, "handler");
			Objects.requireNonNull(encoder, "encoder");
			Parameters declared = declare(parameters);
			declared.rate(Streaming.MIN_RATE, Streaming.MAX_RATE);
			declared.format();
			return add(new Route(path, true, declared, exchange -> {
				String lastEventId = resumeAfter == null ? null
						: RequestHeaders.single(exchange.request().requestHeaders(), Streaming.LAST_EVENT_ID);
				if (lastEventId == null) {
					return streaming.send(exchange, handler.apply(exchange), encoder);
				}
				Flux<T> rest = resumeAfter.apply(exchange, lastEventId);
				return isEmpty(rest) ? streaming.finished(exchange) : streaming.send(exchange, rest, encoder);
			}));
		}

		/**
		 * Registers a plain endpoint at {@code path}: not admitted by the limiter, answered by
		 * {@code handler} (which sets its own header fields; set {@code Content-Length} so that HEAD
		 * says what GET does).
		 *
		 * @param path       the path, starting with {@code /}
		 * @param parameters declares the endpoint's query parameters and summary
		 * @param handler    answers an exchange
		 * @return this builder
		 * @throws IllegalArgumentException if the path is taken or malformed, or a parameter is declared twice
		 */
		public Builder endpoint(String path, Consumer<Parameters> parameters,
				Function<Exchange, ? extends Publisher<Void>> handler) {
			Objects.requireNonNull(handler, "handler");
			return add(new Route(path, false, declare(parameters), handler::apply));
		}

		/**
		 * Registers {@code /health} (liveness, open streams, limiter state) and {@code /metrics}
		 * (the registry in the Prometheus text format).
		 *
		 * @return this builder
		 */
		public Builder serverEndpoints() {
			HealthEndpoint health = new HealthEndpoint(slots, limiter::state);
			endpoint("/health", params -> params.summary("liveness, open streams and limiter state"), health::handle);
			endpoint("/metrics", params -> params.summary("Prometheus metrics"), new MetricsEndpoint(registry)::handle);
			return this;
		}

		/**
		 * Registers the book's patterns as streams: {@code /streams/integers},
		 * {@code /streams/primes}, {@code /streams/heartbeat}, {@code /streams/ward} and
		 * {@code /replicated}.
		 *
		 * The ward's and the replicated requests' events are records written by Jackson, so these
		 * need {@code com.fasterxml.jackson.core:jackson-databind} 2.x on the classpath (an optional
		 * dependency of the server module).
		 *
		 * @param workers where CPU-bound stages run, shared fairly by clients (not closed by the routes)
		 * @return this builder
		 * @throws IllegalStateException if Jackson is not on the classpath
		 */
		public Builder demoStreams(FairWorkers workers) {
			Objects.requireNonNull(workers, "workers");
			try {
				Class.forName("com.fasterxml.jackson.databind.ObjectMapper", false, GopherfluxRoutes.class.getClassLoader());
			}
			catch (ClassNotFoundException e) {
				throw new IllegalStateException("the demo streams write the ward's and /replicated's events with Jackson: "
						+ "add com.fasterxml.jackson.core:jackson-databind 2.x to the classpath", e);
			}
			IntegersEndpoint integers = new IntegersEndpoint();
			stream("/streams/integers", IntegersEndpoint::declare, integers::open, IntegersEndpoint.ENCODER,
					integers::resumeAfter);
			PrimesEndpoint primes = new PrimesEndpoint(workers);
			stream("/streams/primes", PrimesEndpoint::declare, primes::open, PrimesEndpoint.ENCODER, primes::resumeAfter);
			HeartbeatEndpoint heartbeat = new HeartbeatEndpoint(timers);
			stream("/streams/heartbeat", HeartbeatEndpoint::declare, heartbeat::open, HeartbeatEndpoint.ENCODER,
					heartbeat::resumeAfter);
			WardEndpoint ward = new WardEndpoint(timers, new MicrometerStewardMetrics(registry, timers));
			stream("/streams/ward", WardEndpoint::declare, ward::open, WardEndpoint.ENCODER, ward::resumeAfter);
			ReplicatedEndpoint replicated = new ReplicatedEndpoint(timers,
					new MicrometerReplicateMetrics(registry, "replicated"));
			stream("/replicated", ReplicatedEndpoint::declare, replicated::open, ReplicatedEndpoint.ENCODER,
					replicated::resumeAfter);
			return this;
		}

		/**
		 * The routes.
		 *
		 * @return routes to mount in an {@code HttpServer}, before {@link #notFound()}
		 */
		public GopherfluxRoutes build() {
			return new GopherfluxRoutes(this);
		}

		private static Parameters declare(Consumer<Parameters> parameters) {
			Objects.requireNonNull(parameters, "parameters");
			Parameters declared = new Parameters();
			parameters.accept(declared);
			return declared;
		}

		private Builder add(Route route) {
			for (Route existing : routes) {
				if (existing.path().equals(route.path())) {
					throw new IllegalArgumentException("path " + route.path() + " is registered twice");
				}
			}
			routes.add(route);
			return this;
		}
	}

	/** Whether {@code elements} is known at assembly to be empty, as {@link Flux#empty()} is. */
	static boolean isEmpty(Flux<?> elements) {
		if (elements instanceof Fuseable.ScalarCallable<?> scalar && elements instanceof Callable<?> callable) {
			try {
				return callable.call() == null;
			}
			catch (Exception e) {
				return false;
			}
		}
		return false;
	}

	/**
	 * The streams open now, of every client.
	 *
	 * @return the number of open streams
	 */
	public int activeStreams() {
		return slots.active();
	}

	/**
	 * The streams {@code client} has open now.
	 *
	 * @param client the client ({@code key:...} or {@code ip:...})
	 * @return the number of its open streams
	 */
	public int activeStreams(String client) {
		return slots.active(client);
	}

	/**
	 * Ends every open stream, and any started from now on, with a final {@code shutdown} event:
	 * for a shutdown whose drain timeout has passed.
	 */
	public void endStreams() {
		shutdown.end();
	}

	/**
	 * The paths served, for metrics tags.
	 *
	 * @return the registered paths
	 */
	public Set<String> paths() {
		return routes.keySet();
	}

	/** Closes what {@link #builder(ServerConfig)} made for these routes (its limiter). */
	@Override
	public void close() {
		for (AutoCloseable resource : owned) {
			try {
				resource.close();
			}
			catch (Exception e) {
				throw new IllegalStateException("could not close " + resource, e);
			}
		}
	}

	@Override
	public void accept(HttpServerRoutes serverRoutes) {
		// One route for every path, dispatched by a map: the router tests one predicate, not one per endpoint.
		Map<String, Route> byPath = new HashMap<>(routes);
		serverRoutes.route(request -> {
			String path = ErrorResponses.path(request);
			return path != null && byPath.containsKey(path);
		}, (request, response) -> {
			cors.apply(request, response);
			if (request.method() == HttpMethod.OPTIONS) {
				return cors.options(request, response);
			}
			if (!RequestPipeline.readOnly(request)) {
				return RequestPipeline.methodNotAllowed(request, response, Cors.ALLOW);
			}
			return pipeline.handle(byPath.get(ErrorResponses.path(request)), request, response);
		});
	}

	/**
	 * The fallback route: 404 problem+json for any request no earlier route took. Mount it last.
	 *
	 * @return the route
	 */
	public static Consumer<HttpServerRoutes> notFound() {
		return serverRoutes -> serverRoutes.route(request -> true, GopherfluxRoutes::notFound);
	}

	private static Publisher<Void> notFound(HttpServerRequest request, HttpServerResponse response) {
		String path = ErrorResponses.path(request);
		if (path == null) {
			return ErrorResponses.send(request, response, new ProblemException(Problem.of(400, "bad-path",
					"Bad request path", "the request path is not a valid URI path")));
		}
		return ErrorResponses.send(request, response, new ProblemException(Problem.of(404, "not-found", "Not found",
				"there is no endpoint at " + path + "; GET / lists them")));
	}
}
