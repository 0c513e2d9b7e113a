package io.gopherflux.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.RawHttp.Framing;
import io.gopherflux.server.RawHttp.RawResponse;
import io.gopherflux.server.TestClient.LiveStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/1.x as clients other than the polite one write it, over raw sockets: HTTP/1.0 streams
 * without chunking, pipelined requests, later minor versions, and {@code HEAD} with the header
 * fields of {@code GET}. Streams are unthrottled; the endpoints' own timers run on a virtual clock
 * driven while a response is read.
 */
class HttpProtocolTest {

	static VirtualTimeScheduler clock;
	static GopherfluxServer server;

	@BeforeAll
	static void start() {
		clock = VirtualTimeScheduler.create();
		server = TestClient.start(TestClient.plans(List.of(
				TestClient.plan("open", "per-second:1000000/1s", Limit.INF, 2)), "holder", "open"), clock);
	}

	@AfterAll
	static void stop() {
		assertThat(server.shutdown(Duration.ofSeconds(5))).isTrue();
		clock.dispose();
	}

	/** The first response to {@code request}, read while the virtual clock is driven. */
	private static RawResponse exchange(String request) {
		return TestClient.drive(clock, Duration.ofMillis(10),
				Mono.fromCallable(() -> RawHttp.exchange(server.port(), request)).subscribeOn(Schedulers.boundedElastic()));
	}

	private static String get(String method, String uri, String version, String... fields) {
		StringBuilder request = new StringBuilder(method + " " + uri + " " + version + "\r\n");
		if (!version.equals("HTTP/1.0")) {
			request.append("Host: localhost\r\n");
		}
		for (String field : fields) {
			request.append(field).append("\r\n");
		}
		return request.append("\r\n").toString();
	}

	@ParameterizedTest
	@ValueSource(strings = {"", "Connection: keep-alive"})
	void anHttp10StreamIsTheRestOfTheConnectionNotChunked(String connection) {
		String[] fields = connection.isEmpty() ? new String[0] : new String[] {connection};
		try (RawHttp raw = RawHttp.connect(server.port())) {
			raw.write(get("GET", "/streams/integers?count=5000", "HTTP/1.0", fields));
			RawResponse r = raw.read("GET");

			assertThat(r.status()).as("%s", r).isEqualTo(200);
			assertThat(r.names()).doesNotContain("transfer-encoding", "content-length");
			assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
			assertThat(r.framing()).isEqualTo(Framing.CLOSE);
			assertThat(TestClient.ndjson(r.text())).extracting(o -> o.get("value"))
					.containsExactlyElementsOf(LongStream.range(0, 5000).boxed().toList());
		}
	}

	@Test
	void anHttp10SseStreamIsNotChunkedEither() {
		RawResponse r = RawHttp.exchange(server.port(), get("GET", "/streams/integers?count=3000&format=sse", "HTTP/1.0"));

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.names()).doesNotContain("transfer-encoding");
		assertThat(r.framing()).isEqualTo(Framing.CLOSE);
		assertThat(TestClient.sse(r.text()).events()).hasSize(3000);
	}

	@Test
	void aShortHttp10StreamHasAContentLength() {
		RawResponse r = RawHttp.exchange(server.port(), get("GET", "/streams/integers?count=3", "HTTP/1.0"));

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.framing()).isEqualTo(Framing.LENGTH);
		assertThat(r.names()).doesNotContain("transfer-encoding");
		assertThat(TestClient.ndjson(r.text())).hasSize(3);
	}

	@ParameterizedTest
	@ValueSource(strings = {"HTTP/1.2", "HTTP/1.9"})
	void aLaterMinorVersionIsServedAsHttp11(String version) {
		RawResponse health = RawHttp.exchange(server.port(), get("GET", "/health", version));
		RawResponse stream = RawHttp.exchange(server.port(), get("GET", "/streams/integers?count=3000", version));

		assertThat(health.statusLine()).isEqualTo("HTTP/1.1 200 OK");
		assertThat(stream.statusLine()).isEqualTo("HTTP/1.1 200 OK");
		assertThat(stream.framing()).isEqualTo(Framing.CHUNKED);
		assertThat(TestClient.ndjson(stream.text())).hasSize(3000);
	}

	/** First requests of a pipelined pair; the second is always {@code GET /health}. */
	static Stream<String> firstOfAPipelinedPair() {
		return Stream.of(
				get("GET", "/streams/integers?count=3", "HTTP/1.1"),
				get("GET", "/streams/integers?count=50000", "HTTP/1.1"),
				get("GET", "/streams/integers?count=50000&format=sse", "HTTP/1.1"),
				get("GET", "/streams/heartbeat?count=2&interval=10ms", "HTTP/1.1"),
				get("GET", "/streams/ward?count=3&seed=7&timeout=200ms&format=sse", "HTTP/1.1"),
				get("GET", "/streams/primes?count=2&seed=5&workers=2", "HTTP/1.1"),
				get("GET", "/replicated?replicas=2&seed=3", "HTTP/1.1"),
				get("HEAD", "/streams/integers?count=50000", "HTTP/1.1"),
				get("GET", "/streams/integers?count=2", "HTTP/1.1", "Last-Event-ID: 1"),
				get("GET", "/streams/integers?count=x", "HTTP/1.1"),
				get("GET", "/nope", "HTTP/1.1"),
				get("POST", "/streams/integers", "HTTP/1.1", "Content-Length: 0"),
				get("OPTIONS", "/streams/integers", "HTTP/1.1"),
				get("GET", "/streams/integers?count=50000", "HTTP/1.1", "Connection: close"),
				get("GET", "/streams/integers?count=50000", "HTTP/1.0", "Connection: keep-alive"),
				get("GET", "/streams/integers?count=3", "HTTP/1.0", "Connection: keep-alive"));
	}

	@ParameterizedTest
	@MethodSource("firstOfAPipelinedPair")
	void aPipelinedRequestIsAnsweredOrTheConnectionClosedNeverDropped(String first) {
		String method = first.substring(0, first.indexOf(' '));
		boolean mayClose = first.contains("Connection: close") || first.contains("HTTP/1.0");
		RawResponse[] second = new RawResponse[1];
		RawResponse answer = TestClient.drive(clock, Duration.ofMillis(10), Mono.fromCallable(() -> {
			try (RawHttp raw = RawHttp.connect(server.port())) {
				raw.write(first + get("GET", "/health", "HTTP/1.1"));
				RawResponse r = raw.read(method);
				second[0] = raw.read("GET");
				if (second[0] == null) {
					raw.awaitClosed();
				}
				return r;
			}
		}).subscribeOn(Schedulers.boundedElastic()));

		assertThat(answer).isNotNull();
		if (second[0] == null) {
			assertThat(mayClose).as("only a response that says it closes may end the connection: %s", answer).isTrue();
		}
		else {
			assertThat(second[0].status()).as("%s", second[0]).isEqualTo(200);
			assertThat(second[0].json()).containsEntry("status", "UP");
		}
	}

	@Test
	void aMalformedRequestPipelinedAfterAStreamIsRefusedOnceTheStreamIsDone() {
		try (RawHttp raw = RawHttp.connect(server.port())) {
			raw.write(get("GET", "/streams/integers?count=50000", "HTTP/1.1") + "GET /health HTTP/1.1\r\nBad Name: x\r\n\r\n");

			RawResponse stream = raw.read("GET");
			RawResponse refusal = raw.read("GET");

			assertThat(TestClient.ndjson(stream.text())).hasSize(50000);
			assertThat(refusal.status()).isEqualTo(400);
			assertThat(refusal.json()).containsEntry("type", "urn:gopherflux:problem:bad-request");
			raw.awaitClosed();
		}
	}

	/** Requests whose HEAD must get the header fields of their GET. */
	static Stream<String> headAndGet() {
		return Stream.of("/streams/integers?count=5", "/streams/integers?count=5&format=sse",
				"/streams/integers?count=0", "/streams/integers?count=50000", "/streams/integers?count=50000&format=sse",
				"/streams/primes?count=2&seed=5&workers=1", "/streams/heartbeat?count=2&interval=10ms&format=sse",
				"/streams/ward?count=2&seed=7&timeout=200ms", "/replicated?replicas=2&seed=3",
				"/health", "/", "/metrics", "/nope", "/streams/integers?count=x", "/streams/integers?count=3&format=xml");
	}

	/**
	 * Only the head of each response is read, and the clock stands still: a stream's first batch
	 * is then the same for both methods.
	 */
	@ParameterizedTest
	@MethodSource("headAndGet")
	void headHasTheHeaderFieldsOfGet(String uri) {
		RawResponse get;
		try (RawHttp raw = RawHttp.connect(server.port())) {
			get = raw.write(get("GET", uri, "HTTP/1.1")).readHead();
		}
		RawResponse head = RawHttp.exchange(server.port(), get("HEAD", uri, "HTTP/1.1"));
		TestClient.await("the GET's stream to be cancelled", () -> server.activeStreams() == 0);

		assertThat(head.status()).isEqualTo(get.status());
		assertThat(head.body()).isEmpty();
		assertThat(head.names()).as("%s%nvs GET %s", head, get).containsExactlyInAnyOrderElementsOf(get.names());
		for (Map.Entry<String, String> field : get.fields()) {
			String name = field.getKey().toLowerCase();
			boolean varies = name.equals("ratelimit") || (uri.equals("/metrics") && name.equals("content-length"));
			if (!varies) {
				assertThat(head.headers(name)).as(name).containsExactlyElementsOf(get.headers(name));
			}
		}
		assertThat(head.header("Transfer-Encoding") == null).as("chunked, or not").isNotEqualTo(
				head.header("Content-Length") == null);
	}

	@Test
	void headOfAShortStreamSaysItsContentLengthAndOfALongOneChunked() {
		assertThat(RawHttp.exchange(server.port(), get("HEAD", "/streams/integers?count=5", "HTTP/1.1"))
				.header("Content-Length")).isEqualTo(Integer.toString(
						RawHttp.exchange(server.port(), get("GET", "/streams/integers?count=5", "HTTP/1.1")).body().length));
		assertThat(RawHttp.exchange(server.port(), get("HEAD", "/streams/integers?count=50000", "HTTP/1.1"))
				.header("Transfer-Encoding")).isEqualTo("chunked");
	}

	@Test
	void headOfAStreamHoldsNoSlotAndIsRefusedWhereGetWouldBe() {
		assertThat(exchange(get("HEAD", "/streams/integers?count=50000", "HTTP/1.1")).header("X-Accel-Buffering"))
				.isEqualTo("no");
		assertThat(server.activeStreams()).as("HEAD leaves no stream open").isZero();

		TestClient client = TestClient.of(server).header("X-Api-Key", "holder");
		try (LiveStream first = client.open("/streams/heartbeat?interval=1m&count=1");
				LiveStream second = client.open("/streams/heartbeat?interval=1m&count=1")) {
			assertThat(first.status()).isEqualTo(200);
			assertThat(second.status()).isEqualTo(200);
			TestClient.await("both streams open", () -> server.activeStreams("key:holder") == 2);

			RawResponse get = RawHttp.exchange(server.port(), get("GET", "/streams/integers?count=1", "HTTP/1.1",
					"X-Api-Key: holder"));
			RawResponse head = RawHttp.exchange(server.port(), get("HEAD", "/streams/integers?count=1", "HTTP/1.1",
					"X-Api-Key: holder"));

			assertThat(get.status()).isEqualTo(429);
			assertThat(head.status()).isEqualTo(429);
			assertThat(head.header("Retry-After")).isEqualTo(get.header("Retry-After"));
		}
		TestClient.await("every stream to be closed", () -> server.activeStreams() == 0);
	}

	/** An unknown key is charged to the address and refused with 401 whether the stream is asked with GET or HEAD. */
	@Test
	void headWithAnUnknownKeyIsRefusedAsGetIsAndHoldsNoSlot() {
		RawResponse get = RawHttp.exchange(server.port(), get("GET", "/streams/integers?count=5", "HTTP/1.1",
				"X-Api-Key: made-up"));
		RawResponse head;
		try (RawHttp connection = RawHttp.connect(server.port())) {
			head = connection.write(get("HEAD", "/streams/integers?count=5", "HTTP/1.1", "X-Api-Key: made-up")).read("HEAD");
			connection.write(get("GET", "/health", "HTTP/1.1"));
			assertThat(connection.read("GET").status()).as("no body after the HEAD response").isEqualTo(200);
		}

		assertThat(get.status()).as("%s", get).isEqualTo(401);
		assertThat(get.json()).containsEntry("type", "urn:gopherflux:problem:unknown-api-key");
		assertThat(head.status()).as("%s", head).isEqualTo(401);
		for (String field : List.of("WWW-Authenticate", "Content-Type", "Content-Length", "RateLimit-Policy")) {
			assertThat(head.header(field)).as(field).isNotNull().isEqualTo(get.header(field));
		}
		assertThat(server.activeStreams()).isZero();
	}

	@Test
	void optionsOnAnEndpointIsAnsweredWithAllow() {
		List<RawResponse> answers = new ArrayList<>();
		for (String path : List.of("/streams/integers", "/health", "/")) {
			answers.add(RawHttp.exchange(server.port(), get("OPTIONS", path, "HTTP/1.1")));
		}
		RawResponse unknown = RawHttp.exchange(server.port(), get("OPTIONS", "/nope", "HTTP/1.1"));

		assertThat(answers).allSatisfy(r -> {
			assertThat(r.status()).isEqualTo(204);
			assertThat(r.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
			assertThat(r.names()).doesNotContain("transfer-encoding", "access-control-allow-origin");
		});
		assertThat(unknown.status()).isEqualTo(404);
	}
}
