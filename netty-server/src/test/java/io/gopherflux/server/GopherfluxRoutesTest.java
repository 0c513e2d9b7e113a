package io.gopherflux.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.TestClient.Response;
import io.gopherflux.server.TestClient.SseEvent;
import io.gopherflux.server.http.Encoders;
import io.gopherflux.server.http.ProblemException;
import io.gopherflux.server.limit.Admission;
import io.gopherflux.server.limit.ClientLimiter;
import io.gopherflux.server.limit.InMemoryClientLimiter;
import io.gopherflux.server.limit.Plan;
import io.gopherflux.ratelimit.RateLimiterMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** A user's own streams registered with the routes builder and mounted in a plain {@code HttpServer}. */
class GopherfluxRoutesTest {

	/** A user's element: a record, written by Jackson. */
	record Tick(String symbol, long sequence, double price) {
	}

	static final ServerConfig CONFIG = ServerConfig.defaults().withPlans(TestClient.plans(List.of(
			TestClient.plan("free", "per-second:1000/1s", Limit.INF, 10))));

	DisposableServer server;
	GopherfluxRoutes routes;

	@AfterEach
	void stop() {
		if (server != null) {
			server.disposeNow();
		}
		if (routes != null) {
			routes.close();
		}
	}

	static Flux<Tick> ticks(String symbol, long from, long count) {
		return Flux.range(0, (int) count).map(i -> new Tick(symbol, from + i, 100 + (from + i) / 4.0));
	}

	private TestClient serve(GopherfluxRoutes.Builder builder) {
		routes = builder
				.stream("/ticks", params -> params.summary("ticks of one symbol")
								.integer("count", 3, 0, 1000)
								.text("symbol", "a ticker symbol"),
						exchange -> ticks(symbol(exchange), 1, exchange.integer("count")),
						Encoders.<Tick>json().withEventName(t -> "tick").withEventId(t -> Long.toString(t.sequence())),
						(exchange, lastEventId) -> {
							long count = exchange.integer("count");
							long seen = parse(lastEventId, count);
							return seen == count ? Flux.empty() : ticks(symbol(exchange), seen + 1, count - seen);
						})
				.build();
		server = HttpServer.create().port(0).route(routes.andThen(GopherfluxRoutes.notFound())).bindNow();
		return TestClient.of(server.port());
	}

	private static String symbol(Exchange exchange) {
		String symbol = exchange.text("symbol");
		return symbol == null ? "ACME" : symbol;
	}

	private static long parse(String lastEventId, long count) {
		try {
			long seen = Long.parseLong(lastEventId);
			if (seen >= 1 && seen <= count) {
				return seen;
			}
		}
		catch (NumberFormatException e) {
			// answered below
		}
		throw ProblemException.badParameter("Last-Event-ID", "not an event of this stream: '" + lastEventId + "'");
	}

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> GopherfluxRoutes.builder(null)).withMessage("config");
		GopherfluxRoutes.Builder builder = GopherfluxRoutes.builder(CONFIG);
		routes = builder.build();
		assertThatNullPointerException().isThrownBy(() -> builder.stream("/s", p -> { }, null, Encoders.json()))
				.withMessage("handler");
		assertThatNullPointerException().isThrownBy(() -> builder.stream("/s", p -> { }, e -> Flux.empty(), null))
				.withMessage("encoder");
		assertThatNullPointerException().isThrownBy(() -> builder.endpoint("/e", null, e -> Mono.empty()))
				.withMessage("parameters");
	}

	@Test
	void aPathIsRegisteredOnceAndParametersDeclaredOnce() {
		GopherfluxRoutes.Builder builder = GopherfluxRoutes.builder(CONFIG);
		routes = builder.build();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.endpoint("/", p -> { }, e -> Mono.empty()))
				.withMessageContaining("path / is registered twice");
		assertThatIllegalArgumentException()
				.isThrownBy(() -> builder.stream("/s", p -> p.integer("rate", 1, 0, 2), e -> Flux.empty(), Encoders.json()))
				.withMessageContaining("rate is declared twice");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.endpoint("relative", p -> { }, e -> Mono.empty()))
				.withMessageContaining("must start with '/'");
	}

	@Test
	void aUserStreamOfRecordsIsSentAsNdjsonByJackson() {
		TestClient client = serve(GopherfluxRoutes.builder(CONFIG));

		Response r = client.get("/ticks?count=3&symbol=XYZ");

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.contentType()).isEqualTo("application/x-ndjson");
		assertThat(r.body()).isEqualTo("""
				{"symbol":"XYZ","sequence":1,"price":100.25}
				{"symbol":"XYZ","sequence":2,"price":100.5}
				{"symbol":"XYZ","sequence":3,"price":100.75}
				""");
		assertThat(r.header("RateLimit-Policy")).as("a user stream is admitted like the built-in ones").isNotNull();
	}

	@Test
	void sseEventsTakeTheirNameAndIdFromTheEncoder() {
		TestClient client = serve(GopherfluxRoutes.builder(CONFIG));

		List<SseEvent> events = client.get("/ticks?count=2&format=sse").sse().events();

		assertThat(events).extracting(SseEvent::event).containsExactly("tick", "tick");
		assertThat(events).extracting(SseEvent::id).containsExactly("1", "2");
		assertThat(events.get(1).json()).containsEntry("sequence", 2L).containsEntry("symbol", "ACME");
	}

	@Test
	void aUserStreamResumesAfterTheLastEventIdAndEndsWith204() {
		TestClient client = serve(GopherfluxRoutes.builder(CONFIG));

		List<SseEvent> rest = client.header("Last-Event-ID", "3").get("/ticks?count=5&format=sse").sse().events();
		Response done = client.header("Last-Event-ID", "5").get("/ticks?count=5&format=sse");
		Response bad = client.header("Last-Event-ID", "6").get("/ticks?count=5&format=sse");

		assertThat(rest).extracting(SseEvent::id).containsExactly("4", "5");
		assertThat(done.status()).isEqualTo(204);
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json()).containsEntry("parameter", "Last-Event-ID");
	}

	@Test
	void aDeclaredParameterOutOfRangeIsA400NamingItAndCostsNothing() {
		AtomicInteger admissions = new AtomicInteger();
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		InMemoryClientLimiter inMemory = new InMemoryClientLimiter(Schedulers.parallel(), RateLimiterMetrics.noop(),
				InMemoryClientLimiter.DEFAULT_MAX_CLIENTS);
		ClientLimiter counting = new ClientLimiter() {
			@Override
			public Mono<Admission> admit(String client, Plan plan) {
				admissions.incrementAndGet();
				return inMemory.admit(client, plan);
			}
		};
		TestClient client = serve(GopherfluxRoutes.builder(CONFIG, counting, registry, Schedulers.parallel()));

		Response count = client.get("/ticks?count=1001");
		Response rate = client.get("/ticks?rate=0");
		Response format = client.get("/ticks?format=xml");
		Response unknown = client.get("/ticks?cuont=1");

		assertThat(List.of(count, rate, format, unknown)).extracting(Response::status).containsOnly(400);
		assertThat(count.json()).containsEntry("parameter", "count");
		assertThat((String) count.json().get("detail")).isEqualTo("count must be a whole number from 0 to 1000, was '1001'");
		assertThat(rate.json()).containsEntry("parameter", "rate");
		assertThat(format.json()).containsEntry("parameter", "format");
		assertThat(unknown.json()).containsEntry("parameter", "cuont");
		assertThat(admissions).as("a request refused for its query takes nothing from the quota").hasValue(0);

		assertThat(client.get("/ticks").status()).isEqualTo(200);
		assertThat(admissions).hasValue(1);
	}

	@Test
	void healthReportsWhatTheLimiterSaysOfItsState() {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		AtomicReference<String> state = new AtomicReference<>("shared, up");
		ClientLimiter ownLimiter = new ClientLimiter() {
			@Override
			public Mono<Admission> admit(String client, Plan plan) {
				return Mono.error(new AssertionError("not asked"));
			}

			@Override
			public String state() {
				return state.get();
			}
		};
		TestClient client = serve(GopherfluxRoutes.builder(CONFIG, ownLimiter, registry, Schedulers.parallel())
				.serverEndpoints());

		assertThat(client.get("/health").json()).containsEntry("limiter", "shared, up");
		state.set("shared, down");
		assertThat(client.get("/health").json()).containsEntry("limiter", "shared, down");
		assertThat(new InMemoryClientLimiter(Schedulers.parallel(), RateLimiterMetrics.noop(), 1).state()).isEqualTo("in-memory");
	}

	@Test
	void headOfAUserStreamHasTheHeaderFieldsOfGet() {
		TestClient client = serve(GopherfluxRoutes.builder(CONFIG));

		Response get = client.get("/ticks?count=2");
		Response head = client.request(HttpMethod.HEAD, "/ticks?count=2");

		assertThat(head.status()).isEqualTo(200);
		assertThat(head.body()).isEmpty();
		assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(get.body().length()));
		assertThat(head.contentType()).isEqualTo(get.contentType());
	}

	@Test
	void theIndexListsTheDeclaredParametersWithTheirTypesAndRanges() {
		TestClient client = serve(GopherfluxRoutes.builder(CONFIG));

		@SuppressWarnings("unchecked")
		List<Map<String, Object>> endpoints = (List<Map<String, Object>>) client.get("/").json().get("endpoints");

		assertThat(endpoints).extracting(e -> e.get("path")).containsExactly("/", "/ticks");
		Map<String, Object> ticks = endpoints.get(1);
		assertThat(ticks.get("summary")).isEqualTo("ticks of one symbol");
		assertThat(ticks.get("parameters")).isEqualTo(List.of("count", "format", "rate", "symbol"));
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> details = (List<Map<String, Object>>) ticks.get("parameterDetails");
		assertThat(details.get(0)).containsEntry("name", "count").containsEntry("type", "integer")
				.containsEntry("default", 3L).containsEntry("min", 0L).containsEntry("max", 1000L);
	}

	@Test
	void aFailingUserStreamEndsWithAnErrorEvent() {
		routes = GopherfluxRoutes.builder(CONFIG)
				.stream("/failing", params -> { }, exchange -> Flux.concat(Flux.just(new Tick("A", 1, 1)),
						Flux.error(new IllegalStateException("feed broke"))), Encoders.json())
				.build();
		server = HttpServer.create().port(0).route(routes).bindNow();

		List<Map<String, Object>> lines = TestClient.of(server.port()).get("/failing").ndjson();
		List<SseEvent> events = TestClient.of(server.port()).get("/failing?format=sse").sse().events();

		assertThat(lines).hasSize(2);
		assertThat(lines.get(0)).containsEntry("symbol", "A");
		assertThat(lines.get(1)).containsEntry("type", "error").containsKey("logId");
		assertThat(events).as("the element Jackson wrote comes before the error event in the same batch")
				.extracting(SseEvent::event).containsExactly("message", "error");
		assertThat(events.get(0).json()).containsEntry("symbol", "A");
	}

	@Test
	void aNumberParameterIsReadWithinItsRange() {
		routes = GopherfluxRoutes.builder(CONFIG)
				.endpoint("/scale", params -> params.number("factor", 1.5, -2, 2),
						exchange -> {
							String body = Double.toString(exchange.number("factor"));
							return exchange.response().header("Content-Length", Integer.toString(body.length()))
									.sendString(Mono.just(body));
						})
				.build();
		server = HttpServer.create().port(0).route(routes).bindNow();
		TestClient client = TestClient.of(server.port());

		assertThat(client.get("/scale").body()).isEqualTo("1.5");
		assertThat(client.get("/scale?factor=-0.25").body()).isEqualTo("-0.25");
		Response bad = client.get("/scale?factor=3");
		assertThat(bad.status()).isEqualTo(400);
		assertThat((String) bad.json().get("detail")).isEqualTo("factor must be a number from -2.0 to 2.0, was '3'");
		assertThat(client.get("/scale?factor=0x1").status()).isEqualTo(400);
	}

	@Test
	void plainEndpointsAreNotAdmitted() {
		routes = GopherfluxRoutes.builder(CONFIG)
				.endpoint("/hello", params -> params.duration("wait", Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)),
						exchange -> exchange.response().header("Content-Length", "2").sendString(Mono.just("hi")))
				.build();
		server = HttpServer.create().port(0).route(routes).bindNow();
		TestClient client = TestClient.of(server.port());

		Response hello = client.get("/hello?wait=1s");
		Response bad = client.get("/hello?wait=2s");

		assertThat(hello.status()).isEqualTo(200);
		assertThat(hello.body()).isEqualTo("hi");
		assertThat(hello.header("RateLimit-Policy")).isNull();
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json()).containsEntry("parameter", "wait");
	}
}
