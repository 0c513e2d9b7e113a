package io.gopherflux.server;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.TestClient.Response;
import io.gopherflux.server.TestClient.Sse;
import io.gopherflux.server.TestClient.SseEvent;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of a real server, over HTTP, in both stream formats. The plan puts no cap on
 * stream rates, so only the endpoints' own timers (heartbeat, steward, replicas) run, on a
 * virtual clock.
 */
class EndpointsTest {

	static final String NDJSON = "application/x-ndjson";
	static final String SSE = "text/event-stream";

	static VirtualTimeScheduler clock;
	static GopherfluxServer server;
	static TestClient client;

	@BeforeAll
	static void start() {
		clock = VirtualTimeScheduler.create();
		server = TestClient.start(TestClient.plans(List.of(
				TestClient.plan("open", "per-second:100000/1s", Limit.INF, 64))), clock);
		client = TestClient.of(server);
	}

	@AfterAll
	static void stop() {
		assertThat(server.shutdown(Duration.ofSeconds(5))).isTrue();
		clock.dispose();
	}

	@Test
	void integersAsNdjsonCountFromFrom() {
		Response r = client.get("/streams/integers?from=5&count=3");

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.contentType()).isEqualTo(NDJSON);
		assertThat(r.header("RateLimit")).isNotBlank();
		assertThat(r.body()).isEqualTo("{\"type\":\"value\",\"value\":5}\n{\"type\":\"value\",\"value\":6}\n"
				+ "{\"type\":\"value\",\"value\":7}\n");
	}

	@Test
	void integersAsSseAreValueEvents() {
		Response r = client.get("/streams/integers?from=-2&count=4&format=sse");

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.contentType()).isEqualTo(SSE);
		Sse sse = r.sse();
		assertThat(sse.events()).extracting(SseEvent::event).containsOnly("value");
		assertThat(sse.events()).extracting(e -> e.json().get("type")).containsOnly("value");
		assertThat(sse.events()).extracting(e -> e.json().get("value")).containsExactly(-2L, -1L, 0L, 1L);
	}

	@Test
	void integersDefaultToTenFromZero() {
		assertThat(client.get("/streams/integers").ndjson()).extracting(o -> o.get("value"))
				.containsExactlyElementsOf(LongStream.range(0, 10).boxed().toList());
	}

	@Test
	void manyIntegersArriveWholeAndInOrderInEitherFormat() {
		List<Long> expected = LongStream.range(-500, 1500).boxed().toList();

		assertThat(client.get("/streams/integers?from=-500&count=2000").ndjson()).extracting(o -> o.get("value"))
				.containsExactlyElementsOf(expected);
		assertThat(client.get("/streams/integers?from=-500&count=2000&format=sse").sse().events())
				.extracting(e -> e.json().get("value"))
				.containsExactlyElementsOf(expected);
	}

	@Test
	void acceptChoosesTheFormatAndFormatParameterOverridesIt() {
		assertThat(client.header("Accept", SSE).get("/streams/integers?count=1").contentType()).isEqualTo(SSE);
		assertThat(client.header("Accept", NDJSON).get("/streams/integers?count=1").contentType()).isEqualTo(NDJSON);
		assertThat(client.header("Accept", "*/*").get("/streams/integers?count=1").contentType()).isEqualTo(NDJSON);
		assertThat(client.header("Accept", "text/event-stream;q=0.4, application/x-ndjson;q=0.8")
				.get("/streams/integers?count=1").contentType()).isEqualTo(NDJSON);
		assertThat(client.header("Accept", "application/*;q=0.1, text/*")
				.get("/streams/integers?count=1").contentType()).isEqualTo(SSE);
		assertThat(client.header("Accept", SSE).get("/streams/integers?count=1&format=ndjson").contentType())
				.isEqualTo(NDJSON);
	}

	@Test
	void primesAreCountPrimesInEitherFormat() {
		Response ndjson = client.get("/streams/primes?count=12&workers=2&seed=42");
		Response sse = client.get("/streams/primes?count=12&workers=3&seed=43&format=sse");

		assertThat(ndjson.contentType()).isEqualTo(NDJSON);
		assertThat(sse.contentType()).isEqualTo(SSE);
		List<Object> fromNdjson = ndjson.ndjson().stream().map(o -> o.get("prime")).toList();
		List<Object> fromSse = sse.sse().events().stream().map(e -> e.json().get("prime")).toList();
		for (List<Object> primes : List.of(fromNdjson, fromSse)) {
			assertThat(primes).hasSize(12).allSatisfy(p -> {
				long n = (Long) p;
				assertThat(n).isBetween(2L, 2_000_000L);
				assertThat(BigInteger.valueOf(n).isProbablePrime(64)).as("%d is prime", n).isTrue();
			});
		}
	}

	@Test
	void heartbeatAsNdjsonHasItsValuesInOrderWithPulses() {
		List<Map<String, Object>> beats = TestClient.drive(clock, Duration.ofMillis(10),
				client.exchange("/streams/heartbeat?interval=100ms&count=5")).ndjson();

		assertThat(beats).extracting(b -> b.get("type")).containsOnly("value", "pulse").contains("pulse");
		assertThat(beats.stream().filter(b -> b.get("type").equals("value")).map(b -> b.get("value")))
				.containsExactly(0L, 1L, 2L, 3L, 4L);
		assertThat(beats.get(0)).as("a pulse comes before the first value").isEqualTo(Map.of("type", "pulse"));
	}

	@Test
	void heartbeatAsSseNamesPulsesAndValues() {
		Response r = TestClient.drive(clock, Duration.ofMillis(10),
				client.exchange("/streams/heartbeat?interval=100ms&count=4&format=sse"));

		assertThat(r.contentType()).isEqualTo(SSE);
		Sse sse = r.sse();
		assertThat(sse.events()).extracting(SseEvent::event).containsOnly("value", "pulse").contains("pulse");
		assertThat(sse.named("value")).extracting(e -> e.json().get("value")).containsExactly(0L, 1L, 2L, 3L);
		assertThat(sse.named("pulse")).extracting(SseEvent::json).containsOnly(Map.of("type", "pulse"));
	}

	@Test
	void wardAsNdjsonRestartsWithReasonsAndKeepsCounting() {
		List<Map<String, Object>> events = TestClient.drive(clock, Duration.ofMillis(5),
				client.exchange("/streams/ward?seed=7&count=30&timeout=200ms")).ndjson();

		checkWard(events, 30);
	}

	@Test
	void wardAsSseRestartsWithReasonsAndKeepsCounting() {
		Response r = TestClient.drive(clock, Duration.ofMillis(5),
				client.exchange("/streams/ward?seed=7&count=30&timeout=200ms&format=sse"));

		assertThat(r.contentType()).isEqualTo(SSE);
		List<Map<String, Object>> events = new ArrayList<>();
		for (SseEvent e : r.sse().events()) {
			Map<String, Object> json = e.json();
			assertThat(json.get("type")).as("event name and type agree").isEqualTo(e.event());
			events.add(json);
		}
		checkWard(events, 30);
	}

	@Test
	void wardRestartsAreCountedAndNotWarnedAbout() {
		List<Map<String, Object>> events;
		String logged;
		try (LogCapture log = LogCapture.start()) {
			events = TestClient.drive(clock, Duration.ofMillis(5),
					client.exchange("/streams/ward?seed=7&count=30&timeout=200ms")).ndjson();
			logged = log.text();
		}

		long restarts = events.stream().filter(e -> e.get("type").equals("start")).count() - 1;
		assertThat(restarts).isPositive();
		assertThat(logged).as("a client must not set the volume of the server's warnings").doesNotContain("WARN");
		assertThat(client.get("/metrics").body()).containsPattern("gopherflux_steward_restarts_total\\{reason=\"(timeout|error)\",ward=\"ward\"}");
	}

	/** Starts numbered 1, 2, ... with a reason after the first; values 0..count-1 across restarts. */
	private static void checkWard(List<Map<String, Object>> events, int count) {
		assertThat(events).extracting(e -> e.get("type")).containsOnly("start", "value", "pulse");
		List<Map<String, Object>> starts = events.stream().filter(e -> e.get("type").equals("start")).toList();
		assertThat(starts).as("the seed makes the ward fail at least twice").hasSizeGreaterThanOrEqualTo(3);
		// The steward's pulses run on their own timer: one may come before the ward's first start.
		List<Map<String, Object>> work = events.stream().filter(e -> !e.get("type").equals("pulse")).toList();
		assertThat(work.get(0)).containsEntry("type", "start").containsEntry("ward", 1L).containsEntry("reason", null);
		for (int i = 1; i < starts.size(); i++) {
			assertThat(starts.get(i)).containsEntry("ward", (long) i + 1);
			assertThat(starts.get(i).get("reason")).isIn("timeout", "error");
		}
		assertThat(events.stream().filter(e -> e.get("type").equals("value")).map(e -> e.get("value")))
				.containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
	}

	@Test
	void replicatedAnswersWithTheReplicaThatFinishesFirst() {
		long seed = 10;
		long[] latencies = latencies(seed, 4);
		int winner = 0;
		for (int i = 1; i < 4; i++) {
			winner = latencies[i] < latencies[winner] ? i : winner;
		}

		Map<String, Object> body = replicated("/replicated?replicas=4&seed=" + seed, 4);

		assertThat(body.keySet()).containsExactly("type", "replica", "replicas", "hedgeAfterMs", "replicaLatencyMs",
				"latencyMs");
		assertThat(body).containsEntry("type", "answer");
		assertThat(body).containsEntry("replica", (long) winner).containsEntry("replicas", 4L)
				.containsEntry("hedgeAfterMs", null).containsEntry("replicaLatencyMs", latencies[winner])
				.containsEntry("latencyMs", latencies[winner]);
	}

	@Test
	void aPercentileHedgeLearnsFromTheAnswersSeenSoFar() {
		List<Long> delays = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			Map<String, Object> body = replicated("/replicated?replicas=2&hedgeAfter=p90&seed=" + (100 + i), 2);
			delays.add((Long) body.get("hedgeAfterMs"));
		}

		assertThat(delays.subList(0, 10)).as("50 ms until ten answers are known").containsOnly(50L);
		assertThat(delays.subList(10, 12)).allSatisfy(delay -> assertThat(delay).isBetween(5L, 250L));
	}

	@Test
	void replicatedAnswersAsAnSseEventToo() {
		long before = clock.getScheduledTaskCount();
		var answer = client.exchange("/replicated?replicas=2&seed=3&format=sse").toFuture();
		TestClient.await("the replicas' timers", () -> clock.getScheduledTaskCount() >= before + 2);
		clock.advanceTimeBy(Duration.ofSeconds(1));
		Response r = Mono.fromFuture(answer).block(TestClient.TIMEOUT);

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.contentType()).isEqualTo("text/event-stream");
		assertThat(r.sse().events()).singleElement().satisfies(event -> {
			assertThat(event.event()).isEqualTo("answer");
			assertThat(event.id()).isEqualTo("1");
			assertThat(event.json()).containsEntry("type", "answer").containsEntry("replicas", 2L).containsKey("replica");
		});
	}

	@Test
	void hedgedReplicasStartOneHedgeDelayApart() {
		long seed = 5;
		long hedge = 40;
		long[] latencies = latencies(seed, 4);
		int winner = 0;
		for (int i = 1; i < 4; i++) {
			winner = i * hedge + latencies[i] < winner * hedge + latencies[winner] ? i : winner;
		}

		Map<String, Object> body = replicated("/replicated?replicas=4&hedgeAfter=40ms&seed=" + seed, 4);

		assertThat(body).containsExactly(Map.entry("type", "answer"), Map.entry("replica", (long) winner),
				Map.entry("replicas", 4L),
				Map.entry("hedgeAfterMs", hedge), Map.entry("replicaLatencyMs", latencies[winner]),
				Map.entry("latencyMs", winner * hedge + latencies[winner]));
	}

	@Test
	void aZeroHedgeDelayStartsEveryReplicaAtOnce() {
		long[] latencies = latencies(10, 4);

		Map<String, Object> body = replicated("/replicated?replicas=4&hedgeAfter=0ms&seed=10", 4);

		assertThat(body).containsEntry("replica", 3L).containsEntry("hedgeAfterMs", 0L)
				.containsEntry("latencyMs", latencies[3]);
	}

	/** The replicas' simulated latencies, drawn as the endpoint documents: uniform in 5..250 ms from the seed. */
	private static long[] latencies(long seed, int replicas) {
		SplittableRandom random = new SplittableRandom(seed);
		long[] latencies = new long[replicas];
		for (int i = 0; i < replicas; i++) {
			latencies[i] = random.nextLong(5, 251);
		}
		return latencies;
	}

	/**
	 * Asks, waits until the server has scheduled one timer per replica (the first replica's request
	 * and the hedges of the others), then lets a whole second pass at once: every later timer is
	 * scheduled inside that advance, at its exact virtual instant.
	 */
	private static Map<String, Object> replicated(String uri, int replicas) {
		// Replicas that start at once (no hedge delay, or zero) are counted too: a timer of anything
		// else scheduled meanwhile must not pass for one of theirs.
		int atOnce = !uri.contains("hedgeAfter=") || uri.contains("hedgeAfter=0ms") ? replicas : 1;
		long before = clock.getScheduledTaskCount();
		double startedBefore = replicasStarted();
		var answer = client.exchange(uri).toFuture();
		TestClient.await("the replicas' timers", () -> replicasStarted() >= startedBefore + atOnce
				&& clock.getScheduledTaskCount() >= before + replicas);
		clock.advanceTimeBy(Duration.ofSeconds(1));
		Response r = Mono.fromFuture(answer).block(TestClient.TIMEOUT);
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.contentType()).isEqualTo("application/x-ndjson");
		assertThat(r.ndjson()).hasSize(1);
		return r.ndjson().get(0);
	}

	private static double replicasStarted() {
		return server.registry().get("gopherflux.replicate.replicas.started").tag("name", "replicated").counter().count();
	}

	@Test
	void healthSaysUpWithOpenStreamsAndLimiter() {
		Response r = client.get("/health");

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.contentType()).isEqualTo("application/json");
		assertThat(r.header("RateLimit")).as("health is not rate limited").isNull();
		assertThat(r.json()).containsExactly(Map.entry("status", "UP"), Map.entry("activeStreams", 0L),
				Map.entry("limiter", "in-memory"));
	}

	@Test
	void metricsHaveTheServersAndTheLibrarysMeters() {
		client.get("/streams/integers?count=2");

		Response r = client.get("/metrics");

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.contentType()).startsWith("text/plain");
		assertThat(r.body())
				.contains("reactor_netty_http_server_data_sent_bytes")
				.contains("uri=\"/streams/integers\"")
				.contains("gopherflux_server_active_streams")
				.contains("gopherflux_ratelimit_permits");
	}

	@Test
	void indexListsEveryEndpointWithItsParameters() {
		Response r = client.get("/");

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.contentType()).isEqualTo("application/json");
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> endpoints = (List<Map<String, Object>>) r.json().get("endpoints");
		assertThat(endpoints).extracting(e -> e.get("path")).containsExactly("/", "/health", "/metrics",
				"/streams/integers", "/streams/primes", "/streams/heartbeat", "/streams/ward", "/replicated");
		assertThat(endpoints).allSatisfy(e -> {
			assertThat(e.get("method")).isEqualTo("GET");
			assertThat((String) e.get("summary")).isNotBlank();
		});
		assertThat(endpoints.get(3).get("parameters")).isEqualTo(List.of("count", "format", "from", "rate"));
		assertThat(endpoints.get(7).get("parameters")).isEqualTo(List.of("format", "hedgeAfter", "rate", "replicas", "seed"));
	}

	@Test
	void headAnswersWithTheHeaderFieldsOfGetAndRunsNoStream() {
		long streamsBefore = server.activeStreams();
		Response stream = client.request(HttpMethod.HEAD, "/streams/integers?count=10000000&format=sse");

		assertThat(stream.status()).isEqualTo(200);
		assertThat(stream.contentType()).isEqualTo("text/event-stream");
		assertThat(stream.header("RateLimit-Policy")).isNotBlank();
		assertThat(stream.body()).isEmpty();
		assertThat(server.activeStreams()).isEqualTo(streamsBefore);

		Response health = client.request(HttpMethod.HEAD, "/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.contentType()).isEqualTo("application/json");
		assertThat(health.body()).isEmpty();
	}

	@Test
	void sseIntegersCarryTheirValueAsIdAndResumeAfterLastEventId() {
		Sse sse = client.get("/streams/integers?from=3&count=4&format=sse").sse();
		assertThat(sse.events()).extracting(SseEvent::id).containsExactly("3", "4", "5", "6");

		Response resumed = client.header("Last-Event-ID", "4").get("/streams/integers?from=3&count=4&format=sse");
		assertThat(resumed.status()).isEqualTo(200);
		assertThat(resumed.sse().events()).extracting(e -> e.json().get("value")).containsExactly(5L, 6L);

		Response done = client.header("Last-Event-ID", "6").get("/streams/integers?from=3&count=4&format=sse");
		assertThat(done.status()).as("nothing after the last one: 204 stops an EventSource").isEqualTo(204);
		assertThat(done.body()).isEmpty();

		assertThat(client.get("/streams/integers?count=2&format=ndjson").body()).doesNotContain("id");
	}

	@Test
	void aLastEventIdThatIsNotOfTheStreamNamesTheHeader() {
		for (String id : List.of("abc", "2", "7", "", "99999999999999999999")) {
			Response r = client.header("Last-Event-ID", id).get("/streams/integers?from=3&count=4&format=sse");

			assertThat(r.status()).as("Last-Event-ID: '%s' -> %s", id, r).isEqualTo(400);
			assertThat(r.json()).containsEntry("parameter", "Last-Event-ID");
		}
	}
}
