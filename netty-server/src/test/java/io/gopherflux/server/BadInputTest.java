package io.gopherflux.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.TestClient.Response;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's mistakes, endpoint by endpoint: each is a 4xx {@code application/problem+json} that
 * names the parameter (or header field) at fault, never a 5xx. Values at the edges of each range
 * are accepted.
 */
class BadInputTest {

	static VirtualTimeScheduler clock;
	static GopherfluxServer server;
	static TestClient client;

	@BeforeAll
	static void start() {
		clock = VirtualTimeScheduler.create();
		server = TestClient.start(TestClient.plans(List.of(
				TestClient.plan("open", "per-second:1000000/1s", Limit.INF, 64).withMaxWorkers(64),
				TestClient.plan("small", "per-second:1000000/1s", Limit.INF, 64).withMaxWorkers(2)), "small-key", "small"), clock);
		client = TestClient.of(server);
	}

	@AfterAll
	static void stop() {
		assertThat(server.shutdown(Duration.ofSeconds(5))).isTrue();
		clock.dispose();
	}

	/** One bad request and what it must be answered with; {@code parameter} null when none is at fault. */
	record Case(String method, String uri, String header, String value, int status, String kind, String parameter) {

		@Override
		public String toString() {
			return method + " " + uri + (header == null ? "" : " with " + header + ": " + value) + " -> " + status
					+ (parameter == null ? "" : " naming " + parameter);
		}
	}

	static final List<String> PATHS = List.of("/", "/health", "/metrics", "/streams/integers", "/streams/primes",
			"/streams/heartbeat", "/streams/ward", "/replicated");
	static final List<String> STREAMS = List.of("/streams/integers", "/streams/primes", "/streams/heartbeat",
			"/streams/ward");

	/** Per endpoint, per parameter, values that are not numbers, negative, too large or otherwise malformed. */
	static Map<String, Map<String, List<String>>> badValues() {
		List<String> badRates = List.of("fast", "-5", "0", "1e10", "NaN", "Infinity", "0x10");
		List<String> badFormats = List.of("xml", "", "json");
		Map<String, Map<String, List<String>>> values = new LinkedHashMap<>();
		values.put("/streams/integers", Map.of(
				"from", List.of("ten", "1.5", "1000000000000001", "-1000000000000001", "99999999999999999999"),
				"count", List.of("many", "-1", "10000001", "1e3", ""),
				"rate", badRates,
				"format", badFormats));
		values.put("/streams/primes", Map.of(
				"count", List.of("x", "-1", "0", "1001"),
				"workers", List.of("x", "-2", "0", "65", "4.0"),
				"seed", List.of("x", "99999999999999999999", "1.5"),
				"rate", badRates,
				"format", badFormats));
		values.put("/streams/heartbeat", Map.of(
				"interval", List.of("x", "-1s", "9ms", "2m", "10", "1.5s"),
				"count", List.of("x", "-1", "0", "100001"),
				"rate", badRates,
				"format", badFormats));
		values.put("/streams/ward", Map.of(
				"timeout", List.of("x", "-1s", "49ms", "2m", "100"),
				"count", List.of("x", "-1", "0", "100001"),
				"seed", List.of("x"),
				"rate", badRates,
				"format", badFormats));
		values.put("/replicated", Map.of(
				"replicas", List.of("x", "-1", "0", "17"),
				"hedgeAfter", List.of("x", "-1ms", "11s", "10"),
				"seed", List.of("x", "-99999999999999999999")));
		return values;
	}

	static Stream<Case> badInput() {
		List<Case> cases = new ArrayList<>();
		badValues().forEach((path, parameters) -> parameters.forEach((name, values) -> {
			for (String value : values) {
				cases.add(new Case("GET", path + "?" + name + "=" + value, null, null, 400, "bad-parameter", name));
			}
		}));
		for (String path : PATHS) {
			cases.add(new Case("GET", path + "?bogus=1", null, null, 400, "bad-parameter", "bogus"));
			cases.add(new Case("GET", path + "?x=%zz", null, null, 400, "bad-parameter", "query"));
			cases.add(new Case("GET", path, "X-Api-Key", "has space", 400, "bad-parameter", "X-Api-Key"));
			cases.add(new Case("GET", path, "X-Api-Key", "k".repeat(129), 400, "bad-parameter", "X-Api-Key"));
		}
		badValues().forEach((path, parameters) -> {
			String name = parameters.keySet().iterator().next();
			cases.add(new Case("GET", path + "?" + name + "=1&" + name + "=2", null, null, 400, "bad-parameter", name));
		});
		for (String workers : List.of("3", "64")) {
			cases.add(new Case("GET", "/streams/primes?workers=" + workers, "X-Api-Key", "small-key", 400, "bad-parameter",
					"workers"));
		}
		for (String path : List.of("/streams/integers", "/streams/primes", "/streams/heartbeat", "/streams/ward",
				"/replicated")) {
			cases.add(new Case("GET", path, "X-Api-Key", "made-up-key", 401, "unknown-api-key", null));
		}
		for (String path : STREAMS) {
			cases.add(new Case("GET", path, "Accept", "image/png", 406, "not-acceptable", null));
			cases.add(new Case("GET", path, "Accept", "text/event-stream;q=0, application/json", 406, "not-acceptable", null));
		}
		for (String path : List.of("/nope", "/streams", "/streams/", "/streams/integers/", "/STREAMS/INTEGERS",
				"/health/x", "/replicated/3", "/favicon.ico")) {
			cases.add(new Case("GET", path, null, null, 404, "not-found", null));
		}
		for (String path : PATHS) {
			for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
				cases.add(new Case(method, path, null, null, 405, "method-not-allowed", null));
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badInput")
	void aClientsMistakeIsAProblemNamingWhatIsWrong(Case c) {
		TestClient sender = c.header() == null ? client : client.header(c.header(), c.value());

		Response r = sender.request(HttpMethod.valueOf(c.method()), c.uri());

		assertThat(r.status()).as("%s", r).isLessThan(500).isEqualTo(c.status());
		assertThat(r.contentType()).isEqualTo("application/problem+json");
		Map<String, Object> problem = r.json();
		assertThat(problem).containsEntry("type", "urn:gopherflux:problem:" + c.kind())
				.containsEntry("status", (long) c.status())
				.containsEntry("instance", c.uri().contains("?") ? c.uri().substring(0, c.uri().indexOf('?')) : c.uri());
		assertThat((String) problem.get("title")).isNotBlank();
		assertThat((String) problem.get("detail")).isNotBlank();
		if (c.parameter() != null) {
			assertThat(problem).containsEntry("parameter", c.parameter());
			assertThat((String) problem.get("detail")).contains(c.parameter());
		}
		else {
			assertThat(problem).doesNotContainKey("parameter");
		}
		if (c.status() == 405) {
			assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
		}
	}

	@Test
	void valuesAtTheEdgesOfEachRangeAreAccepted() {
		for (String uri : List.of("/streams/integers?count=0", "/streams/integers?from=-1000000000000000&count=1",
				"/streams/integers?from=1000000000000000&count=1&rate=1000000000", "/streams/integers?count=1&rate=0.5",
				"/streams/integers?count=%2B2&format=SSE", "/streams/primes?count=1&workers=1&seed=-5",
				"/streams/primes?count=1&workers=64", "/streams/heartbeat?interval=10ms&count=1",
				"/streams/heartbeat?interval=1m&count=1", "/streams/ward?timeout=50ms&count=1&seed=1",
				"/replicated?replicas=1", "/replicated?replicas=16&hedgeAfter=0ms", "/replicated?replicas=2&hedgeAfter=10s")) {
			Response r = TestClient.drive(clock, Duration.ofSeconds(1), client.exchange(uri));

			assertThat(r.status()).as("%s: %s", uri, r).isEqualTo(200);
		}
	}

	@Test
	void workersAboveThePlansCapAreABadParameterNamingThePlan() {
		Response r = client.header("X-Api-Key", "small-key").get("/streams/primes?count=1&workers=3");

		assertThat(r.status()).as("%s", r).isEqualTo(400);
		assertThat((String) r.json().get("detail")).isEqualTo("workers must be a whole number from 1 to 2 on plan 'small', was '3'");
		Response capped = TestClient.drive(clock, Duration.ofSeconds(1),
				client.header("X-Api-Key", "small-key").exchange("/streams/primes?count=1&workers=2"));
		assertThat(capped.status()).as("%s", capped).isEqualTo(200);
	}

	@Test
	void aRateTooLowToThrottleIsABadParameterNotAServerError() {
		for (String rate : List.of("1e-9", "1e-300", "4.9e-324")) {
			Response r = client.get("/streams/integers?count=1&rate=" + rate);

			assertThat(r.status()).as("rate=%s: %s", rate, r).isEqualTo(400);
			assertThat(r.json()).containsEntry("parameter", "rate");
		}
	}

	@Test
	void aPathThatIsNotAValidUriPathIsABadRequestProblem() {
		for (String uri : List.of("/%zz", "/streams/%zz?count=1", "/%")) {
			Response r = client.get(uri);

			assertThat(r.status()).as("%s: %s", uri, r).isEqualTo(400);
			assertThat(r.headers().get("content-type")).isEqualTo("application/problem+json");
			assertThat(r.json()).containsEntry("type", "urn:gopherflux:problem:bad-path");
		}
	}

	@Test
	void aPercentileHedgeOutOfRangeNamesHedgeAfter() {
		for (String hedge : List.of("p0", "p100", "p9.5", "p")) {
			Response r = client.get("/replicated?hedgeAfter=" + hedge);

			assertThat(r.status()).as("hedgeAfter=%s: %s", hedge, r).isEqualTo(400);
			assertThat(r.json()).containsEntry("parameter", "hedgeAfter");
			assertThat((String) r.json().get("detail")).contains("p1 to p99");
		}
	}
}
