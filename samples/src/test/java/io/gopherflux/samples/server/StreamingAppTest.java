package io.gopherflux.samples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gopherflux.server.GopherfluxRoutes;
import io.gopherflux.server.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/** The app over HTTP, on a plain Reactor Netty server as a user would run it. */
class StreamingAppTest {

	static final Duration TIMEOUT = Duration.ofSeconds(30);
	static final ObjectMapper JSON = new ObjectMapper();

	GopherfluxRoutes routes;
	DisposableServer server;

	record Response(int status, String contentType, String body) {

		List<Map<String, Object>> ndjson() {
			return Arrays.stream(body.split("\n")).filter(line -> !line.isEmpty()).map(StreamingAppTest::json).toList();
		}

		Map<String, Object> json() {
			return StreamingAppTest.json(body);
		}
	}

	@BeforeEach
	void start() {
		routes = StreamingApp.routes(GopherfluxRoutes.builder(ServerConfig.defaults()), Schedulers.parallel());
		server = routes.mount(HttpServer.create().host("127.0.0.1").port(0)).bindNow();
	}

	@AfterEach
	void stop() {
		server.disposeNow();
		routes.close();
	}

	static Map<String, Object> json(String text) {
		try {
			return JSON.readValue(text, new TypeReference<Map<String, Object>>() {
			});
		}
		catch (Exception e) {
			throw new AssertionError("not a JSON object: " + text, e);
		}
	}

	private Response get(String uri, String... headers) {
		return HttpClient.create()
				.headers(h -> {
					for (int i = 0; i < headers.length; i += 2) {
						h.set(headers[i], headers[i + 1]);
					}
				})
				.get()
				.uri("http://127.0.0.1:" + server.port() + uri)
				.responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
						.map(text -> new Response(response.status().code(),
								response.responseHeaders().get("Content-Type"), text)))
				.block(TIMEOUT);
	}

	@Test
	void nullTimersAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> StreamingApp.routes(GopherfluxRoutes.builder(ServerConfig.defaults()), null))
				.withMessage("timers");
	}

	@Test
	void quotesAreRecordsAsNdjson() {
		Response r = get("/quotes?symbol=XYZ&count=3&every=5ms");

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.contentType()).isEqualTo("application/x-ndjson");
		assertThat(r.ndjson()).extracting(q -> q.get("sequence")).containsExactly(1, 2, 3);
		assertThat(r.ndjson()).allSatisfy(q -> assertThat(q).containsEntry("symbol", "XYZ").containsKey("price"));
		assertThat(r.ndjson().get(1).get("price")).isEqualTo(StreamingApp.price("XYZ", 2));
	}

	@Test
	void quotesAsSseAreNamedAndCarryTheirSequenceAsId() {
		Response r = get("/quotes?count=2&every=5ms", "Accept", "text/event-stream");

		assertThat(r.contentType()).isEqualTo("text/event-stream");
		assertThat(r.body()).contains("id: 1\nevent: quote\ndata: {\"symbol\":\"ACME\",\"sequence\":1,")
				.contains("id: 2\nevent: quote\ndata: {\"symbol\":\"ACME\",\"sequence\":2,");
	}

	@Test
	void aReconnectingClientResumesAfterItsLastQuote() {
		Response rest = get("/quotes?count=5&every=5ms&format=sse", "Last-Event-ID", "3");
		Response done = get("/quotes?count=5&every=5ms&format=sse", "Last-Event-ID", "5");

		assertThat(rest.body()).doesNotContain("id: 3\n").contains("id: 4\n").contains("id: 5\n");
		assertThat(done.status()).as("nothing after the last quote: 204 stops an EventSource").isEqualTo(204);
	}

	@Test
	void aBadParameterIsA400NamingIt() {
		Response count = get("/quotes?count=0");
		Response symbol = get("/quotes?symbol=acme");
		Response every = get("/quotes?every=soon");
		Response lastEventId = get("/quotes?count=5", "Last-Event-ID", "9");

		assertThat(List.of(count, symbol, every, lastEventId)).extracting(Response::status).containsOnly(400);
		assertThat(count.contentType()).isEqualTo("application/problem+json");
		assertThat(count.json()).containsEntry("parameter", "count");
		assertThat(symbol.json()).containsEntry("parameter", "symbol");
		assertThat(every.json()).containsEntry("parameter", "every");
		assertThat(lastEventId.json()).containsEntry("parameter", "Last-Event-ID");
	}

	@Test
	void theHealedFeedCarriesOnAcrossRestarts() {
		List<Map<String, Object>> readings = get("/readings?count=8&timeout=100ms").ndjson();

		assertThat(readings).extracting(r -> ((Number) r.get("sequence")).longValue())
				.containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
		assertThat(readings).extracting(r -> r.get("sensor")).as("a hung sensor was restarted").contains(1, 2);
	}

	@Test
	void anUnknownPathIsA404AndAMalformedRequestIsRefusedBeforeAnyRoute() {
		assertThat(get("/nowhere").status()).isEqualTo(404);
		assertThat(get("/quotes?count=1&" + "x".repeat(20_000)).status()).isEqualTo(414);
	}

	@Test
	void theIndexListsBothStreamsWithTheirParameters() {
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> endpoints = (List<Map<String, Object>>) get("/").json().get("endpoints");

		assertThat(endpoints).extracting(e -> e.get("path")).containsExactly("/", "/quotes", "/readings");
		assertThat(endpoints.get(1).get("parameters")).isEqualTo(List.of("count", "every", "format", "rate", "symbol"));
	}
}
