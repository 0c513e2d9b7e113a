package io.gopherflux.server;

import java.time.Duration;
import java.util.List;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.TestClient.LiveStream;
import io.gopherflux.server.TestClient.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a stream is held to while it runs: the plan's element rate, which {@code ?rate=} may lower
 * but not raise; the plan's cap on open streams; SSE keep-alive comments while idle. Time is
 * virtual: a stream delivers only what the throttle allows by the virtual instant.
 */
class StreamingTest {

	static VirtualTimeScheduler clock;
	static GopherfluxServer server;
	static TestClient client;

	@BeforeAll
	static void start() {
		clock = VirtualTimeScheduler.create();
		server = TestClient.start(ServerConfig.defaults()
				.withSseKeepAlive(Duration.ofMillis(100))
				.withPlans(TestClient.plans(List.of(TestClient.plan("metered", "per-second:1000/1s", Limit.of(10), 2)),
						"plan-rate", "metered", "lower-rate", "metered", "higher-rate", "metered", "carol", "metered",
						"dave", "metered", "idle", "metered")),
				clock);
		client = TestClient.of(server);
	}

	@AfterAll
	static void stop() {
		assertThat(server.shutdown(Duration.ofSeconds(5))).isTrue();
		clock.dispose();
	}

	/**
	 * The throttle is a token bucket of one batch ({@code ceil(rate / 100)} elements, here one):
	 * the first batch goes at once, then {@code rate} elements a second. So after T seconds a
	 * stream has delivered between rate·T and rate·T + one batch. Each test is its own client, a
	 * known API key, so that its streams are not counted against another's.
	 */
	private static void assertThrottledAt(String apiKey, String uri, int rate) {
		try (LiveStream stream = client.header("X-Api-Key", apiKey).open(uri)) {
			stream.awaitLines(1);
			assertThat(stream.status()).isEqualTo(200);
			assertThat(stream.lines()).as("before any time passes").isEqualTo(1);

			clock.advanceTimeBy(Duration.ofSeconds(1));
			stream.awaitLines(rate);
			TestClient.await("a whole last line", () -> stream.text().endsWith("\n"));
			int afterOneSecond = stream.lines();
			assertThat(afterOneSecond).isBetween(rate, rate + 1);

			clock.advanceTimeBy(Duration.ofSeconds(1));
			stream.awaitLines(2 * rate);
			TestClient.await("a whole last line", () -> stream.text().endsWith("\n"));
			// Not afterOneSecond + rate: the first second's extra element may still have been on its way then.
			assertThat(stream.lines()).as("one more second, %d more elements", rate).isBetween(2 * rate, 2 * rate + 1);
			assertThat(stream.ended()).isFalse();
			assertThat(TestClient.ndjson(stream.text())).extracting(o -> o.get("value"))
					.as("nothing skipped").startsWith(0L, 1L, 2L);
		}
	}

	@Test
	void aStreamRunsAtItsPlansRate() {
		assertThrottledAt("plan-rate", "/streams/integers?count=100", 10);
	}

	@Test
	void rateLowersThePlansRate() {
		assertThrottledAt("lower-rate", "/streams/integers?count=100&rate=5", 5);
	}

	@Test
	void rateCannotRaiseThePlansRate() {
		assertThrottledAt("higher-rate", "/streams/integers?count=100&rate=50", 10);
	}

	@Test
	void aClientMayOpenOnlyThePlansNumberOfStreams() {
		TestClient carol = client.header("X-Api-Key", "carol");
		try (LiveStream first = carol.open("/streams/integers?count=100");
				LiveStream second = carol.open("/streams/integers?count=100&format=sse")) {
			first.awaitLines(1);
			second.awaitLines(1);
			assertThat(server.activeStreams("key:carol")).isEqualTo(2);

			Response third = carol.get("/streams/integers?count=100");

			assertThat(third.status()).isEqualTo(429);
			assertThat(third.contentType()).isEqualTo("application/problem+json");
			assertThat(third.header("Retry-After")).isEqualTo("1");
			assertThat(third.json()).containsEntry("type", "urn:gopherflux:problem:too-many-streams")
					.containsEntry("status", 429L);
			try (LiveStream other = client.header("X-Api-Key", "dave").open("/streams/integers?count=100")) {
				assertThat(other.awaitLines(1).status()).as("another client's streams are not counted").isEqualTo(200);
			}

			first.close();
			TestClient.await("the closed stream's slot to be freed", () -> server.activeStreams("key:carol") == 1);
			try (LiveStream again = carol.open("/streams/integers?count=100")) {
				assertThat(again.awaitLines(1).status()).isEqualTo(200);
			}
		}
		TestClient.await("every stream to be closed", () -> server.activeStreams() == 0);
	}

	@Test
	void anIdleSseStreamSendsKeepAliveComments() {
		try (LiveStream stream = client.header("X-Api-Key", "idle").open("/streams/heartbeat?interval=1m&count=1&format=sse")) {
			TestClient.drive(clock, Duration.ofMillis(10), Mono.fromRunnable(() ->
					TestClient.await("three keep-alive comments", () -> stream.text().split(": keep-alive\n\n", -1).length > 3)));

			TestClient.Sse sse = TestClient.sse(stream.text());
			assertThat(sse.events()).as("no value or pulse yet").isEmpty();
			assertThat(sse.comments()).hasSizeGreaterThanOrEqualTo(3).containsOnly("keep-alive");
			assertThat(stream.header("Content-Type")).isEqualTo("text/event-stream");
		}
	}

	@Test
	void aBusySseStreamSendsNoKeepAliveComments() {
		VirtualTimeScheduler busyClock = VirtualTimeScheduler.create();
		GopherfluxServer busy = TestClient.start(ServerConfig.defaults()
				.withSseKeepAlive(Duration.ofSeconds(1))
				.withPlans(TestClient.plans(List.of(TestClient.plan("metered", "per-second:1000/1s", Limit.of(10), 2)))),
				busyClock);
		try (LiveStream stream = TestClient.of(busy).open("/streams/integers?count=1000&format=sse")) {
			stream.awaitLines(1);
			for (int second = 1; second <= 3; second++) {
				busyClock.advanceTimeBy(Duration.ofSeconds(1));
				int events = second * 10;
				TestClient.await(events + " events", () -> TestClient.sse(stream.text()).events().size() >= events);
			}

			TestClient.Sse sse = TestClient.sse(stream.text());
			assertThat(sse.events()).hasSizeGreaterThanOrEqualTo(30);
			assertThat(sse.comments()).as("an element every 100 ms: never idle for the 1 s keep-alive").isEmpty();
		}
		finally {
			assertThat(busy.shutdown(Duration.ofSeconds(5))).isTrue();
			busyClock.dispose();
		}
	}
}
