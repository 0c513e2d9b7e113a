package io.gopherflux.server;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.gopherflux.errors.ErrorReport;
import io.gopherflux.replicate.MicrometerReplicateMetrics;
import io.gopherflux.server.endpoints.Endpoint;
import io.gopherflux.server.endpoints.Exchange;
import io.gopherflux.server.endpoints.HealthEndpoint;
import io.gopherflux.server.endpoints.HeartbeatEndpoint;
import io.gopherflux.server.endpoints.IndexEndpoint;
import io.gopherflux.server.endpoints.IntegersEndpoint;
import io.gopherflux.server.endpoints.MetricsEndpoint;
import io.gopherflux.server.endpoints.PrimesEndpoint;
import io.gopherflux.server.endpoints.ReplicatedEndpoint;
import io.gopherflux.server.endpoints.StreamShutdown;
import io.gopherflux.server.endpoints.Streaming;
import io.gopherflux.server.endpoints.WardEndpoint;
import io.gopherflux.server.http.Cors;
import io.gopherflux.server.http.Problem;
import io.gopherflux.server.http.ProblemException;
import io.gopherflux.server.http.QueryParameters;
import io.gopherflux.server.http.RequestHeaders;
import io.gopherflux.server.limit.Admission;
import io.gopherflux.server.limit.ClientKeys;
import io.gopherflux.server.limit.ClientLimiter;
import io.gopherflux.server.limit.FairWorkers;
import io.gopherflux.server.limit.LimitMetrics;
import io.gopherflux.server.limit.MicrometerLimitMetrics;
import io.gopherflux.server.limit.Plan;
import io.gopherflux.server.limit.Plans;
import io.gopherflux.server.limit.RateLimitHeaders;
import io.gopherflux.server.limit.StreamSlots;
import io.gopherflux.steward.MicrometerStewardMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The server's endpoints as Reactor Netty routes, mountable in any {@code HttpServer}:
 * <pre>{@code
 * HttpServer.create().route(routes.andThen(GopherfluxRoutes.notFound())).bindNow();
 * }</pre>
 * Every request goes through one pipeline: its query is validated against the endpoint's
 * parameters, its client identified and, on rate-limited endpoints, admitted by the
 * {@link ClientLimiter} (429 with {@code Retry-After}, {@code RateLimit-Policy} and
 * {@code RateLimit} when refused; the latter two on every limited response). An
 * {@code X-Api-Key} that is none of the configured keys is charged to the client's address and,
 * if admitted, answered 401 (see {@link ClientKeys}). A {@link ProblemException} from anywhere becomes its problem+json response; any other error is a
 * bug, answered 500 with a log ID that matches the logged stack trace. A known path asked with
 * another method than GET or HEAD is a 405 (HEAD gets GET's header fields and no body);
 * {@link #notFound()} answers every other path 404.
 * <p>
 * Browsers: responses carry the CORS fields the configured origins are owed, and {@code OPTIONS}
 * on a known path (a CORS preflight among others) is answered 204 with {@code Allow}.
 */
public final class GopherfluxRoutes implements Consumer<HttpServerRoutes> {

	private static final Logger LOG = Loggers.getLogger(GopherfluxRoutes.class);

	/** One endpoint at one path, limited or not. */
	record Route(String path, boolean limited, String summary, Endpoint endpoint) {
	}

	private final Plans plans;
	private final ClientKeys clientKeys;
	private final ClientLimiter limiter;
	private final StreamSlots slots;
	private final List<Route> routes;
	private final Set<String> paths;
	private final Map<String, String> policies;
	private final Cors cors;
	private final StreamShutdown shutdown;
	private final LimitMetrics limitMetrics;

	private GopherfluxRoutes(Plans plans, ClientKeys clientKeys, ClientLimiter limiter, StreamSlots slots,
			List<Route> routes, Cors cors, StreamShutdown shutdown, LimitMetrics limitMetrics) {
		this.limitMetrics = limitMetrics;
		this.plans = plans;
		this.clientKeys = clientKeys;
		this.limiter = limiter;
		this.slots = slots;
		this.routes = List.copyOf(routes);
		this.paths = routes.stream().map(Route::path).collect(Collectors.toUnmodifiableSet());
		this.policies = plans.plans().values().stream()
				.collect(Collectors.toUnmodifiableMap(Plan::name, RateLimitHeaders::policy));
		this.cors = cors;
		this.shutdown = shutdown;
	}

	/**
	 * The routes of a server configured by {@code config}.
	 *
	 * @param config       plans, trusted proxies, SSE keep-alive and retry, CORS origins (its port and Redis
	 *                     settings are not read)
	 * @param limiter      the client limiter
	 * @param registry     where the library and the server report, and what {@code /metrics} serves
	 * @param timers       the scheduler of every timer (a virtual-time one in tests)
	 * @param workers      where CPU-bound stages run, shared fairly by clients
	 * @param limiterState a word on the limiter for {@code /health}
	 */
	public static GopherfluxRoutes create(ServerConfig config, ClientLimiter limiter, PrometheusMeterRegistry registry,
			Scheduler timers, FairWorkers workers, Supplier<String> limiterState) {
		Objects.requireNonNull(config, "config");
		Objects.requireNonNull(limiter, "limiter");
		Objects.requireNonNull(registry, "registry");
		Objects.requireNonNull(timers, "timers");
		Objects.requireNonNull(workers, "workers");
		Objects.requireNonNull(limiterState, "limiterState");
		LimitMetrics limitMetrics = new MicrometerLimitMetrics(registry);
		StreamSlots slots = new StreamSlots(limitMetrics);
		Gauge.builder("gopherflux.server.active.streams", slots, StreamSlots::active)
				.description("Streams open now, of every client")
				.baseUnit("streams")
				.register(registry);
		StreamShutdown shutdown = new StreamShutdown();
		Streaming streaming = new Streaming(timers, config.sseKeepAlive(), config.sseRetry(), slots, shutdown);
		List<Route> routes = new ArrayList<>();
		routes.add(new Route("/", false, "this list", new IndexEndpoint(() -> entries(routes))));
		routes.add(new Route("/health", false, "liveness, open streams and limiter state",
				new HealthEndpoint(slots, limiterState)));
		routes.add(new Route("/metrics", false, "Prometheus metrics", new MetricsEndpoint(registry)));
		routes.add(new Route("/streams/integers", true, "count from 'from', 'count' integers (generator pipeline)",
				new IntegersEndpoint(streaming)));
		routes.add(new Route("/streams/primes", true, "'count' random primes found by 'workers' workers (fan-out, fan-in)",
				new PrimesEndpoint(streaming, workers)));
		routes.add(new Route("/streams/heartbeat", true, "'count' results with a pulse every 'interval' (heartbeat)",
				new HeartbeatEndpoint(streaming)));
		routes.add(new Route("/streams/ward", true, "a flaky ward healed by a steward with 'timeout'; restarts are events",
				new WardEndpoint(streaming, new MicrometerStewardMetrics(registry, timers))));
		routes.add(new Route("/replicated", true, "one request to 'replicas' replicas, hedged after 'hedgeAfter'; first answer wins",
				new ReplicatedEndpoint(streaming, new MicrometerReplicateMetrics(registry, "replicated"))));
		return new GopherfluxRoutes(config.plans(), new ClientKeys(config.trustedProxies(), config.plans().apiKeys().keySet()),
				limiter, slots, routes, new Cors(config.cors()), shutdown, limitMetrics);
	}

	private static List<IndexEndpoint.Entry> entries(List<Route> routes) {
		return routes.stream().map(r -> new IndexEndpoint.Entry(r.path(), r.endpoint().parameters(), r.summary())).toList();
	}

	/** The open streams of every client. */
	public StreamSlots slots() {
		return slots;
	}

	/**
	 * Ends every open stream, and any started from now on, with a final {@code shutdown} event:
	 * for a shutdown whose drain timeout has passed.
	 */
	public void endStreams() {
		shutdown.end();
	}

	/** The paths served, for metrics tags. */
	public Set<String> paths() {
		return paths;
	}

	@Override
	public void accept(HttpServerRoutes serverRoutes) {
		// One route for every path, dispatched by a map: the router tests one predicate, not one per endpoint.
		Map<String, BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>>> handlers = new HashMap<>();
		for (Route route : routes) {
			handlers.put(route.path(), handler(route));
		}
		serverRoutes.route(request -> {
			String path = path(request);
			return path != null && handlers.containsKey(path);
		}, (request, response) -> {
			cors.apply(request, response);
			if (request.method() == HttpMethod.OPTIONS) {
				return cors.options(request, response);
			}
			if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
				return problem(request, response, new ProblemException(Problem.of(405, "method-not-allowed",
						"Method not allowed", request.method().name() + " is not allowed on " + path(request) + "; use GET"),
						Map.of(HttpHeaderNames.ALLOW.toString(), Cors.ALLOW)));
			}
			return handlers.get(path(request)).apply(request, response);
		});
	}

	/** The fallback route: 404 problem+json for any request no earlier route took. Mount it last. */
	public static Consumer<HttpServerRoutes> notFound() {
		return serverRoutes -> serverRoutes.route(request -> true, (request, response) -> {
			String path = path(request);
			if (path == null) {
				return problem(request, response, new ProblemException(Problem.of(400, "bad-path", "Bad request path",
						"the request path is not a valid URI path")));
			}
			return problem(request, response, new ProblemException(Problem.of(404, "not-found", "Not found",
					"there is no endpoint at " + path + "; GET / lists them")));
		});
	}

	/** The request's path, or null when it is not a valid URI path (Reactor Netty refuses to decode it). */
	static String path(HttpServerRequest request) {
		try {
			return request.fullPath();
		}
		catch (IllegalArgumentException e) {
			return null;
		}
	}

	private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler(Route route) {
		return (request, response) -> {
			try {
				QueryParameters query = QueryParameters.parse(request.uri(), route.endpoint().parameters());
				String apiKey = RequestHeaders.single(request.requestHeaders(), ClientKeys.API_KEY);
				String client = clientKeys.clientKey(apiKey, forwardedFor(request), request.remoteAddress());
				Plan plan = plans.planFor(apiKey);
				Exchange exchange = new Exchange(request, response, query, client, plan);
				if (!route.limited()) {
					return Mono.defer(() -> Mono.from(route.endpoint().handle(exchange)))
							.onErrorResume(e -> problem(request, response, e));
				}
				boolean unknownKey = clientKeys.unknown(apiKey);
				return limiter.admit(client, plan)
						.flatMap(admission -> admitted(route, exchange, admission, unknownKey))
						.onErrorResume(e -> problem(request, response, e));
			}
			catch (RuntimeException e) {
				return problem(request, response, e);
			}
		};
	}

	private Mono<Void> admitted(Route route, Exchange exchange, Admission admission, boolean unknownKey) {
		HttpServerResponse response = exchange.response();
		response.header(RateLimitHeaders.POLICY, policies.get(admission.plan().name()))
				.header(RateLimitHeaders.STATE, RateLimitHeaders.state(admission));
		if (!admission.allowed()) {
			long seconds = RateLimitHeaders.retryAfterSeconds(admission);
			return Mono.error(new ProblemException(
					Problem.of(429, "rate-limited", "Too many requests", "plan '" + admission.plan().name()
							+ "' allows " + describe(admission.plan()) + "; retry in " + seconds + " s")
							.with("retryAfter", seconds),
					Map.of(RateLimitHeaders.RETRY_AFTER, Long.toString(seconds))));
		}
		if (unknownKey) {
			limitMetrics.refused(LimitMetrics.Refusal.UNKNOWN_API_KEY);
			return Mono.error(ClientKeys.unknownApiKey());
		}
		return Mono.from(route.endpoint().handle(exchange));
	}

	private static String describe(Plan plan) {
		return plan.quotas().stream().map(q -> q.quota() + " requests per " + q.windowSeconds() + " s")
				.collect(Collectors.joining(" and "));
	}

	private static String forwardedFor(HttpServerRequest request) {
		List<String> all = request.requestHeaders().getAll("X-Forwarded-For");
		return all.isEmpty() ? null : String.join(",", all);
	}

	/** A connection the client closed or reset under a response: neither a bug nor anything to answer. */
	static boolean clientLeft(Throwable error) {
		return error instanceof AbortedException || error instanceof ClosedChannelException
				|| AbortedException.isConnectionReset(error);
	}

	/** The one place errors become responses. */
	static Mono<Void> problem(HttpServerRequest request, HttpServerResponse response, Throwable error) {
		if (response.hasSentHeaders()) {
			if (clientLeft(error)) {
				LOG.debug("{} {}: the client left mid-response: {}", request.method(), path(request), error.toString());
			}
			else {
				ErrorReport.of(error).log(LOG);
			}
			return Mono.error(error);
		}
		Problem problem;
		Map<String, String> headers = Map.of();
		if (error instanceof ProblemException refusal) {
			problem = refusal.problem();
			headers = refusal.headers();
			// A problem that carries a log ID was logged where it arose (once per outage, not per refusal).
			if (problem.status() >= 500 && !problem.extensions().containsKey("logId")) {
				ErrorReport report = ErrorReport.of(refusal.getCause() != null ? refusal.getCause() : refusal).log(LOG);
				problem = problem.with("logId", report.id());
			}
		}
		else {
			ErrorReport report = ErrorReport.of(error).log(LOG);
			problem = new Problem(500, "internal-error", "Internal server error",
					report.userMessage(), Map.of("logId", report.id()));
		}
		headers.forEach(response::header);
		return problem.send(response, path(request));
	}
}
