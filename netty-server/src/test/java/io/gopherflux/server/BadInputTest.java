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
				TestClient.plan("small", "per-second:1000000/1s", Limit.INF, 64).withMaxWorkers(2)),
				"small-key", "small", "same", "open"), clock);
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
			cases.add(new Case("GET", path, "Accept", ";", 406, "not-acceptable", null));
			cases.add(new Case("GET", path, "Accept", ";;, /", 406, "not-acceptable", null));
			cases.add(new Case("GET", path, "Last-Event-ID", "x", 400, "bad-parameter", "Last-Event-ID"));
		}
		badValues().forEach((path, parameters) -> {
			String name = parameters.keySet().stream().filter(n -> !n.equals("format")).findFirst().orElseThrow();
			cases.add(new Case("GET", path + "?" + name + "=1;" + name + "=2", null, null, 400, "bad-parameter", name));
			cases.add(new Case("GET", path + "?" + name + "=1;x=2", null, null, 400, "bad-parameter", name));
		});
		for (String padded : List.of("%2010", "10%20", "%0910", "10%0A", "1%200")) {
			cases.add(new Case("GET", "/streams/integers?count=" + padded, null, null, 400, "bad-parameter", "count"));
			cases.add(new Case("GET", "/streams/integers?from=" + padded, null, null, 400, "bad-parameter", "from"));
			cases.add(new Case("GET", "/streams/integers?rate=" + padded, null, null, 400, "bad-parameter", "rate"));
			cases.add(new Case("GET", "/replicated?replicas=" + padded.replace("10", "2"), null, null, 400, "bad-parameter",
					"replicas"));
		}
		for (String padded : List.of("%20100ms", "100ms%20", "%09100ms")) {
			cases.add(new Case("GET", "/streams/heartbeat?interval=" + padded, null, null, 400, "bad-parameter", "interval"));
			cases.add(new Case("GET", "/streams/ward?timeout=" + padded, null, null, 400, "bad-parameter", "timeout"));
		}
		for (String rate : List.of("0x1p3", "5d", "5f", "1_000")) {
			cases.add(new Case("GET", "/streams/integers?rate=" + rate, null, null, 400, "bad-parameter", "rate"));
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
			assertThat(r.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
		}
	}

	/**
	 * One request written byte for byte, and what it must be answered with: {@code closes} when the
	 * server must close the connection after it (what follows cannot be trusted to be framed).
	 */
	record RawCase(String name, String request, int status, String kind, String parameter, boolean closes) {

		@Override
		public String toString() {
			return name + " -> " + status + " " + kind + (parameter == null ? "" : " naming " + parameter);
		}
	}

	static Stream<RawCase> rawBadInput() {
		String get = "GET /streams/integers?count=2 HTTP/1.1\r\nHost: localhost\r\n";
		List<RawCase> cases = new ArrayList<>(List.of(
				new RawCase("two different X-Api-Key fields", get + "X-Api-Key: a\r\nX-Api-Key: b\r\n\r\n",
						400, "bad-parameter", "X-Api-Key", false),
				new RawCase("two different Last-Event-ID fields", get + "Last-Event-ID: 0\r\nLast-Event-ID: 1\r\n\r\n",
						400, "bad-parameter", "Last-Event-ID", false),
				new RawCase("Accept: ;", get + "Accept: ;\r\n\r\n", 406, "not-acceptable", null, false),
				new RawCase("two Accept fields allowing neither", get + "Accept: ;\r\nAccept: image/png\r\n\r\n",
						406, "not-acceptable", null, false),
				new RawCase("';' between query parameters", "GET /streams/integers?count=2;from=3 HTTP/1.1\r\nHost: h\r\n\r\n",
						400, "bad-parameter", "count", false),
				new RawCase("HTTP/1.1 without Host", "GET /health HTTP/1.1\r\n\r\n", 400, "bad-host", null, true),
				new RawCase("HTTP/1.2 without Host", "GET /health HTTP/1.2\r\n\r\n", 400, "bad-host", null, true),
				new RawCase("two Host fields", "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
						400, "bad-host", null, true),
				new RawCase("two equal Host fields", "GET /health HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",
						400, "bad-host", null, true),
				new RawCase("HTTP/1.0 with two Host fields", "GET /health HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
						400, "bad-host", null, true),
				new RawCase("a Host with a space", "GET /health HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "bad-host", null, true),
				new RawCase("a Host with a path", "GET /health HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, "bad-host", null, true),
				new RawCase("a Host with userinfo", "GET /health HTTP/1.1\r\nHost: u@a\r\n\r\n", 400, "bad-host", null, true),
				new RawCase("a Host port out of range", "GET /health HTTP/1.1\r\nHost: a:65536\r\n\r\n",
						400, "bad-host", null, true),
				new RawCase("an empty Host port", "GET /health HTTP/1.1\r\nHost: a:\r\n\r\n", 400, "bad-host", null, true),
				new RawCase("HTTP/2.0 in an HTTP/1 request line", "GET /health HTTP/2.0\r\nHost: a\r\n\r\n",
						400, "unsupported-http-version", null, true),
				new RawCase("HTTP/3.0", "GET /health HTTP/3.0\r\nHost: a\r\n\r\n", 400, "unsupported-http-version", null, true),
				new RawCase("another protocol", "GET /health FOO/1.1\r\nHost: a\r\n\r\n", 400, "bad-request", null, true),
				new RawCase("no version (HTTP/0.9)", "GET /health\r\n\r\n", 400, "bad-request", null, true),
				new RawCase("not HTTP at all", "GARBAGE\r\n\r\n", 400, "bad-request", null, true),
				new RawCase("a header name with a space", "GET /health HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n",
						400, "bad-request", null, true),
				new RawCase("a header line without a colon", "GET /health HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n",
						400, "bad-request", null, true),
				new RawCase("two different Content-Length fields",
						"GET /health HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
						400, "bad-request", null, true),
				new RawCase("a request line too long", "GET /streams/integers?count=1&from=" + "1".repeat(5000)
						+ " HTTP/1.1\r\nHost: a\r\n\r\n", 414, "uri-too-long", null, true),
				new RawCase("header fields too large", "GET /health HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(9000)
						+ "\r\n\r\n", 431, "header-fields-too-large", null, true),
				new RawCase("too many header fields", "GET /health HTTP/1.1\r\nHost: a\r\n"
						+ "X-Many: 1234567890\r\n".repeat(500) + "\r\n", 431, "header-fields-too-large", null, true)));
		for (String method : List.of("GET", "HEAD")) {
			for (String path : List.of("/streams/integers", "/health")) {
				cases.add(new RawCase(method + " " + path + " without Host", method + " " + path + " HTTP/1.1\r\n\r\n",
						400, "bad-host", null, true));
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rawBadInput")
	void aMalformedOrAmbiguousRequestIsAProblemNotAServerErrorNorAHang(RawCase c) {
		try (RawHttp connection = RawHttp.connect(server.port())) {
			connection.write(c.request());
			String method = c.request().substring(0, Math.max(0, c.request().indexOf(' ')));
			RawHttp.RawResponse r = connection.read(method.equals("HEAD") ? "HEAD" : "GET");

			assertThat(r).as("an answer").isNotNull();
			assertThat(r.status()).as("%s", r).isEqualTo(c.status());
			assertThat(r.status()).as("never a server error").isLessThan(500);
			assertThat(r.statusLine()).startsWith("HTTP/1.1 ");
			assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
			assertThat(r.header("Content-Length")).isNotNull();
			if (!method.equals("HEAD")) {
				Map<String, Object> problem = r.json();
				assertThat(problem).containsEntry("type", "urn:gopherflux:problem:" + c.kind())
						.containsEntry("status", (long) c.status());
				assertThat((String) problem.get("title")).isNotBlank();
				assertThat((String) problem.get("detail")).isNotBlank();
				if (c.parameter() != null) {
					assertThat(problem).containsEntry("parameter", c.parameter());
				}
			}
			if (c.closes()) {
				assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
				connection.awaitClosed();
			}
			else {
				connection.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
				assertThat(connection.read("GET").status()).as("the connection serves the next request").isEqualTo(200);
			}
		}
	}

	/** Malformed requests are answered and counted, never logged: a client must not set the volume of the log. */
	@Test
	void noMalformedOrAmbiguousRequestIsLogged() {
		try (LogCapture log = LogCapture.start()) {
			rawBadInput().forEach(c -> {
				try (RawHttp connection = RawHttp.connect(server.port())) {
					connection.write(c.request());
					RawHttp.RawResponse r = connection.read(c.request().startsWith("HEAD") ? "HEAD" : "GET");
					assertThat(r).as("an answer to %s", c).isNotNull();
					assertThat(r.status()).as("%s", c).isEqualTo(c.status());
				}
			});

			assertThat(log.text()).doesNotContain("WARN").doesNotContain("ERROR");
		}
	}

	@Test
	void repeatedFieldsThatAgreeAreOneAndAcceptFieldsAreOneList() {
		RawHttp.RawResponse sameKey = RawHttp.exchange(server.port(), "GET /streams/integers?count=1 HTTP/1.1\r\n"
				+ "Host: h\r\nX-Api-Key: same\r\nX-Api-Key: same\r\n\r\n");
		RawHttp.RawResponse accepts = RawHttp.exchange(server.port(), "GET /streams/integers?count=1 HTTP/1.1\r\n"
				+ "Host: h\r\nAccept: image/png\r\nAccept: text/event-stream\r\n\r\n");
		RawHttp.RawResponse emptyElements = RawHttp.exchange(server.port(), "GET /streams/integers?count=1 HTTP/1.1\r\n"
				+ "Host: h\r\nAccept: ,, ,\r\n\r\n");

		assertThat(sameKey.status()).as("%s", sameKey).isEqualTo(200);
		assertThat(accepts.status()).isEqualTo(200);
		assertThat(accepts.header("Content-Type")).isEqualTo("text/event-stream");
		assertThat(emptyElements.status()).as("a list of empty elements is no Accept at all").isEqualTo(200);
		assertThat(emptyElements.header("Content-Type")).isEqualTo("application/x-ndjson");
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
