package io.gopherflux.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.TestClient.Response;
import io.gopherflux.server.TestClient.Sse;
import io.gopherflux.server.TestClient.SseEvent;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a browser's {@code EventSource} relies on, endpoint by endpoint: every element's
 * {@code type} is its event name, every stream starts with one {@code retry:} field, every event
 * that can be resumed from carries an ID, a reconnect with {@code Last-Event-ID} resumes after it,
 * and a reconnect after the last event is answered 204, which ends the {@code EventSource}.
 */
class EventSourceTest {

	static final Duration RETRY = Duration.ofMillis(1500);

	static VirtualTimeScheduler clock;
	static GopherfluxServer server;
	static TestClient client;

	@BeforeAll
	static void start() {
		clock = VirtualTimeScheduler.create();
		server = TestClient.start(ServerConfig.defaults().withSseRetry(RETRY).withPlans(TestClient.plans(List.of(
				TestClient.plan("open", "per-second:1000000/1s", Limit.INF, 64)))), clock);
		client = TestClient.of(server);
	}

	@AfterAll
	static void stop() {
		assertThat(server.shutdown(Duration.ofSeconds(5))).isTrue();
		clock.dispose();
	}

	private static Response get(TestClient sender, String uri) {
		return TestClient.drive(clock, Duration.ofMillis(10), sender.exchange(uri));
	}

	/** One stream of every endpoint, short, with its event IDs from first to last. */
	record Case(String uri, long firstId, long lastId) {

		String sse() {
			return uri + "&format=sse";
		}

		@Override
		public String toString() {
			return uri;
		}
	}

	static Stream<Case> streams() {
		return Stream.of(
				new Case("/streams/integers?from=3&count=4", 3, 6),
				new Case("/streams/primes?count=4&seed=11&workers=2", 1, 4),
				new Case("/streams/heartbeat?count=4&interval=50ms", 0, 3),
				new Case("/streams/ward?count=6&seed=7&timeout=200ms", 0, 5),
				new Case("/replicated?replicas=2&seed=3", 1, 1));
	}

	@ParameterizedTest
	@MethodSource("streams")
	void everyElementsTypeIsItsEventNameInBothFormats(Case stream) {
		Sse sse = get(client, stream.sse()).sse();
		List<Map<String, Object>> ndjson = get(client, stream.uri()).ndjson();

		assertThat(sse.events()).isNotEmpty().allSatisfy(event ->
				assertThat(event.json().get("type")).as("%s", event).isEqualTo(event.event()));
		assertThat(sse.events()).extracting(SseEvent::event).doesNotContain("message");
		assertThat(ndjson).isNotEmpty().allSatisfy(element -> assertThat(element.get("type")).isInstanceOf(String.class));
	}

	@ParameterizedTest
	@MethodSource("streams")
	void everySseStreamStartsWithOneRetryField(Case stream) {
		Response r = get(client, stream.sse());

		assertThat(r.body()).startsWith("retry: " + RETRY.toMillis() + "\n\n");
		assertThat(r.sse().retries()).containsExactly(Long.toString(RETRY.toMillis()));
		assertThat(get(client, stream.uri()).body()).doesNotContain("retry");
	}

	@ParameterizedTest
	@MethodSource("streams")
	void theEventsThatCanBeResumedFromCarryIdsInOrder(Case stream) {
		List<SseEvent> identified = get(client, stream.sse()).sse().events().stream().filter(e -> e.id() != null).toList();

		assertThat(identified).extracting(e -> Long.parseLong(e.id()))
				.containsExactlyElementsOf(LongStream.rangeClosed(stream.firstId(), stream.lastId())
						.boxed().toList());
		assertThat(identified).extracting(SseEvent::event).doesNotContain("pulse", "start");
	}

	@ParameterizedTest
	@MethodSource("streams")
	void aReconnectAfterTheLastEventIsAnswered204ByGetAndHead(Case stream) {
		TestClient resuming = client.header("Last-Event-ID", Long.toString(stream.lastId()));

		Response get = get(resuming, stream.sse());
		Response head = resuming.request(HttpMethod.HEAD, stream.sse());

		assertThat(get.status()).as("%s", get).isEqualTo(204);
		assertThat(get.body()).isEmpty();
		assertThat(get.header("Content-Length")).isNull();
		assertThat(get.header("Transfer-Encoding")).isNull();
		assertThat(get.header("RateLimit")).as("still a limited request").isNotNull();
		assertThat(head.status()).isEqualTo(204);
		assertThat(head.header("Transfer-Encoding")).isNull();
	}

	@ParameterizedTest
	@MethodSource("streams")
	void aLastEventIdThatIsNotOneOfTheStreamsIsABadParameter(Case stream) {
		for (String id : List.of("x", "", Long.toString(stream.firstId() - 1), Long.toString(stream.lastId() + 1))) {
			Response r = get(client.header("Last-Event-ID", id), stream.sse());

			assertThat(r.status()).as("Last-Event-ID: '%s' -> %s", id, r).isEqualTo(400);
			assertThat(r.json()).containsEntry("parameter", "Last-Event-ID");
		}
	}

	@Test
	void integersResumeAfterTheLastEventId() {
		Sse resumed = get(client.header("Last-Event-ID", "4"), "/streams/integers?from=3&count=4&format=sse").sse();

		assertThat(resumed.events()).extracting(SseEvent::id).containsExactly("5", "6");
		assertThat(resumed.retries()).hasSize(1);
	}

	@Test
	void primesResumeWithTheRestOfTheirCountAndNewCandidates() {
		Sse first = get(client, "/streams/primes?count=5&seed=11&workers=1&format=sse").sse();
		Sse resumed = get(client.header("Last-Event-ID", "2"), "/streams/primes?count=5&seed=11&workers=1&format=sse").sse();

		assertThat(resumed.events()).extracting(SseEvent::id).containsExactly("3", "4", "5");
		assertThat(resumed.events()).extracting(e -> e.json().get("prime"))
				.as("a resumed stream does not replay the primes it started with")
				.isNotEqualTo(first.events().subList(2, 5).stream().map(e -> e.json().get("prime")).toList());
	}

	@Test
	void heartbeatResumesWithTheValuesAfterTheLastEventId() {
		Sse resumed = get(client.header("Last-Event-ID", "1"), "/streams/heartbeat?count=4&interval=50ms&format=sse").sse();

		assertThat(resumed.named("value")).extracting(e -> e.json().get("value")).containsExactly(2L, 3L);
		assertThat(resumed.named("value")).extracting(SseEvent::id).containsExactly("2", "3");
	}

	@Test
	void wardResumesCountingAfterTheLastEventId() {
		Sse resumed = get(client.header("Last-Event-ID", "3"), "/streams/ward?count=8&seed=7&timeout=200ms&format=sse").sse();

		assertThat(resumed.named("value")).extracting(e -> e.json().get("value")).containsExactly(4L, 5L, 6L, 7L);
		assertThat(resumed.named("start")).isNotEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = {"ndjson", "sse"})
	void aResumeWorksInEitherFormat(String format) {
		Response r = get(client.header("Last-Event-ID", "5"), "/streams/integers?from=3&count=4&format=" + format);

		assertThat(r.status()).isEqualTo(200);
		List<Object> values = format.equals("sse")
				? r.sse().events().stream().map(e -> e.json().get("value")).toList()
				: r.ndjson().stream().map(o -> o.get("value")).toList();
		assertThat(values).containsExactly(6L);
	}

	@Test
	void aResumedRequestIsStillValidatedFirst() {
		Response badFormat = get(client.header("Last-Event-ID", "6"), "/streams/integers?from=3&count=4&format=xml");
		Response badRate = get(client.header("Last-Event-ID", "6"), "/streams/integers?from=3&count=4&rate=0");

		assertThat(badFormat.status()).isEqualTo(400);
		assertThat(badRate.status()).isEqualTo(400);
	}
}
