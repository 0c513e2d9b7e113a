package io.gopherflux.server;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.gopherflux.ratelimit.Limit;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that vanish mid-stream: every stream is cancelled, its slot freed, and no buffer leaks.
 * Leak detection runs at Netty's paranoid level (every buffer tracked) and is recorded by
 * {@link LeakRecorder}; a deliberate leak proves that a report would be seen.
 */
class DisconnectsTest {

	static {
		LeakRecorder.install();
	}

	static final int CLIENTS = 1_000;
	static final int AT_ONCE = 32;
	/**
	 * A backstop for the whole run only: each client has its own bound ({@link TestClient#TIMEOUT}),
	 * so a stuck client fails the test at once, while a machine busy with other builds may take
	 * minutes over a thousand clients without anything being wrong.
	 */
	static final Duration ALL_CLIENTS_WITHIN = Duration.ofMinutes(8);

	static VirtualTimeScheduler clock;
	static GopherfluxServer server;

	@BeforeAll
	static void start() {
		clock = VirtualTimeScheduler.create();
		server = TestClient.start(TestClient.plans(List.of(
				TestClient.plan("bulk", "per-second:1000000/1s", Limit.INF, 100_000))), clock);
	}

	@AfterAll
	static void stop() {
		assertThat(server.shutdown(Duration.ofSeconds(5))).isTrue();
		clock.dispose();
	}

	@Test
	void leakDetectionIsParanoidAndRecorded() {
		assertThat(ResourceLeakDetector.getLevel()).as("surefire's argLine sets -Dio.netty.leakDetection.level=paranoid")
				.isEqualTo(ResourceLeakDetector.Level.PARANOID);
		String hint = leakOneBuffer();

		awaitReported(hint);

		assertThat(LeakRecorder.leaks()).anySatisfy(leak -> assertThat(leak).contains(hint).contains("ByteBuf"));
	}

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void aThousandAbruptDisconnectsLeaveNoOpenStreamAndNoLeak() {
		List<Integer> statuses;
		try (LogCapture log = LogCapture.start()) {
			statuses = TestClient.drive(clock, Duration.ofMillis(10), ALL_CLIENTS_WITHIN, Flux.range(0, CLIENTS)
					.flatMap(i -> readThenDrop(i).timeout(TestClient.TIMEOUT,
							Mono.error(() -> new AssertionError("client " + i + " saw no first bytes within " + TestClient.TIMEOUT))),
							AT_ONCE)
					.collectList());

			assertThat(log.text()).as("a client that leaves is no server error").doesNotContain("[logID:");
		}

		assertThat(statuses).hasSize(CLIENTS).containsOnly(200);
		TestClient.await("every stream to be cancelled", () -> server.activeStreams() == 0);
		assertThat(TestClient.of(server).get("/health").json()).containsEntry("activeStreams", 0L);
		awaitReported(leakOneBuffer());
		assertThat(LeakRecorder.unexpectedLeaks()).as("leaks reported").isEmpty();
	}

	/**
	 * One client: opens a stream that would run for a long time, reads its first bytes, and drops
	 * the connection. The streams differ in what the server is doing at that moment: waiting for a
	 * virtual clock that never moves (rate 1), writing from the timer thread as the clock is driven
	 * (rate 1000), or, for a few, writing from its event loop as fast as the socket takes (no rate:
	 * few, as paranoid leak detection makes each of them costly). Those, and every other pair of
	 * the rest, reset the connection (SO_LINGER 0) instead of closing it.
	 */
	private Mono<Integer> readThenDrop(int i) {
		boolean fast = i % 50 == 0;
		String uri;
		if (fast) {
			uri = "/streams/integers?count=10000000";
		}
		else if (i % 2 == 0) {
			uri = "/streams/integers?count=10000000&rate=1000";
		}
		else {
			uri = "/streams/integers?count=10000000&rate=1" + (i % 4 == 1 ? "&format=sse" : "");
		}
		HttpClient http = TestClient.of(server).http();
		if (fast || i % 4 >= 2) {
			http = http.option(ChannelOption.SO_LINGER, 0);
		}
		return http.get()
				.uri(uri)
				.responseConnection((response, connection) -> connection.inbound().receive()
						.next()
						.doOnNext(first -> connection.dispose())
						.map(first -> response.status().code()))
				.next();
	}

	/** Allocates a buffer that nobody releases, marked so that its report can be told apart. */
	private static String leakOneBuffer() {
		String hint = LeakRecorder.CONTROL_HINT + UUID.randomUUID();
		PooledByteBufAllocator.DEFAULT.buffer(8).touch(hint);
		return hint;
	}

	/**
	 * Collects garbage and allocates pooled buffers (Netty reports leaks when it tracks a new one;
	 * unpooled heap buffers are not tracked)
	 * until the leak marked {@code hint} is reported: by then every buffer that was unreachable
	 * before it has been reported too.
	 */
	private static void awaitReported(String hint) {
		TestClient.await("the deliberate leak " + hint + " to be reported", () -> {
			System.gc();
			for (int i = 0; i < 8; i++) {
				PooledByteBufAllocator.DEFAULT.buffer(8).release();
			}
			return LeakRecorder.leaks().stream().anyMatch(leak -> leak.contains(hint));
		});
	}
}
