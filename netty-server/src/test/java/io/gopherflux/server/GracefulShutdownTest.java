package io.gopherflux.server;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.TestClient.LiveStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shutting down: the server stops accepting at once, lets open streams finish for the drain
 * timeout, then ends what is left with a final {@code shutdown} event. Streams run at 10 elements
 * a second of a virtual clock, so a stream finishes only when the test moves time; the drain
 * timeout is real time (and generous where the test needs it not to pass).
 */
class GracefulShutdownTest {

	VirtualTimeScheduler clock;
	GopherfluxServer server;

	@BeforeEach
	void start() {
		clock = VirtualTimeScheduler.create();
		server = TestClient.start(TestClient.plans(List.of(
				TestClient.plan("metered", "per-second:1000/1s", Limit.of(10), 8)), "other", "metered"), clock);
	}

	@AfterEach
	void stop() {
		server.shutdown(Duration.ZERO);
		clock.dispose();
	}

	/**
	 * Whether a new connection to the server's port is refused. A connection that races the closing
	 * of the listening socket may be accepted and then reset rather than refused: refused all the same.
	 */
	private boolean refused() {
		return TestClient.of(server).exchange("/health")
				.map(response -> false)
				.onErrorResume(IOException.class, e -> Mono.just(true))
				.block(TestClient.TIMEOUT);
	}

	@Test
	void aStreamThatFinishesWithinTheDrainCompletesWhileNewConnectionsAreRefused() {
		try (LiveStream stream = TestClient.of(server).open("/streams/integers?count=5")) {
			stream.awaitLines(1);
			assertThat(refused()).isFalse();

			CompletableFuture<Boolean> drained = Mono.fromCallable(() -> server.shutdown(Duration.ofSeconds(60)))
					.subscribeOn(Schedulers.boundedElastic())
					.toFuture();
			TestClient.await("new connections to be refused", this::refused);
			assertThat(drained).as("still draining").isNotDone();
			assertThat(stream.ended()).isFalse();
			clock.advanceTimeBy(Duration.ofSeconds(1));

			assertThat(stream.awaitEnd()).as("the stream completed normally").isTrue();
			assertThat(TestClient.ndjson(stream.text())).extracting(o -> o.get("value"))
					.containsExactlyElementsOf(LongStream.range(0, 5).boxed().toList());
			assertThat(Mono.fromFuture(drained).block(TestClient.TIMEOUT)).as("drained in time").isTrue();
			assertThat(server.activeStreams()).isZero();
		}
	}

	@Test
	void aStreamThatOutlivesTheDrainEndsWithAShutdownEvent() {
		try (LiveStream slow = TestClient.of(server).open("/streams/integers?count=100");
				LiveStream other = TestClient.of(server).header("X-Api-Key", "other").open("/streams/integers?count=100&format=sse")) {
			slow.awaitLines(1);
			other.awaitLines(1);
			assertThat(server.activeStreams()).isEqualTo(2);

			assertThat(server.shutdown(Duration.ofMillis(300))).as("drained in time").isFalse();

			TestClient.await("the streams to end", () -> server.activeStreams() == 0);
			assertThat(slow.awaitEnd()).as("the response was ended, not cut").isTrue();
			assertThat(other.awaitEnd()).isTrue();
			List<Map<String, Object>> ndjson = TestClient.ndjson(slow.text());
			assertThat(ndjson).hasSizeLessThan(100);
			assertThat(ndjson.get(ndjson.size() - 1)).isEqualTo(Map.of("type", "shutdown"));
			List<TestClient.SseEvent> events = TestClient.sse(other.text()).events();
			assertThat(events.get(events.size() - 1)).satisfies(last -> {
				assertThat(last.event()).isEqualTo("shutdown");
				assertThat(last.json()).isEqualTo(Map.of("type", "shutdown"));
				assertThat(last.id()).as("no ID: a reconnect resumes after the last element").isNull();
			});
			assertThat(refused()).isTrue();
		}
	}

	@Test
	void anIdleServerShutsDownAtOnceAndOnlyOnce() {
		assertThat(TestClient.of(server).get("/health").status()).isEqualTo(200);

		assertThat(server.shutdown(Duration.ofSeconds(10))).isTrue();

		assertThat(refused()).isTrue();
		assertThat(server.shutdown(Duration.ofSeconds(10))).as("a second shutdown has nothing to do").isTrue();
	}
}
