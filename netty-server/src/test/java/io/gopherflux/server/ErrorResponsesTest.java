package io.gopherflux.server;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import io.gopherflux.errors.UnexpectedException;
import io.gopherflux.ratelimit.redis.FailurePolicy;
import io.gopherflux.server.TestClient.Response;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.server.HttpServer;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server errors, as chapter 5 of the book would have them: the client gets a friendly message and
 * a log ID, the log gets the same ID with the full stack trace. The rendering of every error is
 * {@link GopherfluxRoutes#problem}; a bug is made to reach it from a route of a test server, and
 * the real server is made to fail with a rate limiter whose Redis is unreachable.
 */
class ErrorResponsesTest {

	/** The entry logged under {@code logId}: from its ID up to the next log line. */
	private static String logEntry(String log, String logId) {
		int start = log.indexOf("[logID: " + logId + "]");
		assertThat(start).as("a log line with ID %s in:%n%s", logId, log).isNotNegative();
		int next = log.indexOf("\n[", start);
		return next < 0 ? log.substring(start) : log.substring(start, next);
	}

	/** A server whose only route fails with {@code error}, after sending the head and a line if {@code late}. */
	private static DisposableServer failing(Throwable error, boolean late) {
		return HttpServer.create().host("127.0.0.1").port(0)
				.route(routes -> routes.get("/fail", (request, response) -> late
						? response.sendString(Mono.just("partial\n")).then()
								.then(Mono.defer(() -> ErrorResponses.send(request, response, error)))
						: ErrorResponses.send(request, response, error)))
				.bindNow();
	}

	@Test
	void aBugIsA500WithAFriendlyMessageAndALogIdThatMatchesTheLoggedStackTrace() {
		DisposableServer server = failing(new IllegalStateException("invariant broken: internal detail"), false);
		try (LogCapture log = LogCapture.start()) {
			Response r = TestClient.of(server.port()).get("/fail");

			assertThat(r.status()).isEqualTo(500);
			assertThat(r.contentType()).isEqualTo("application/problem+json");
			Map<String, Object> problem = r.json();
			assertThat(problem).containsEntry("type", "urn:gopherflux:problem:internal-error")
					.containsEntry("status", 500L)
					.containsEntry("detail", UnexpectedException.USER_MESSAGE);
			assertThat(r.body()).as("nothing of the bug's insides reaches the client")
					.doesNotContain("internal detail").doesNotContain("IllegalStateException");
			String logId = (String) problem.get("logId");
			assertThat(logId).isNotBlank();
			assertThat(logEntry(log.text(), logId))
					.contains("java.lang.IllegalStateException: invariant broken: internal detail")
					.contains("\tat io.gopherflux.server.ErrorResponsesTest.aBugIsA500");
		}
		finally {
			server.disposeNow();
		}
	}

	@Test
	void aBugAfterTheHeadIsLoggedWithItsStackTrace() {
		DisposableServer server = failing(new IllegalStateException("failed mid-response"), true);
		try (LogCapture log = LogCapture.start()) {
			assertThat(TestClient.of(server.port()).exchange("/fail").map(Response::status).onErrorReturn(-1)
					.block(TestClient.TIMEOUT)).as("the response is cut short").isIn(200, -1);

			TestClient.await("the bug to be logged", () -> log.text().contains("failed mid-response"));
			assertThat(log.text()).contains("[logID: ").contains("java.lang.IllegalStateException: failed mid-response")
					.contains("\tat io.gopherflux.server.ErrorResponsesTest.aBugAfterTheHeadIs");
		}
		finally {
			server.disposeNow();
		}
	}

	@Test
	void aClientThatLeavesMidResponseIsNoBug() {
		for (Throwable left : new Throwable[] {new IOException("writev(..) failed: Connection reset by peer"),
				new IOException("Broken pipe"), new AbortedException("Connection has been closed")}) {
			assertThat(ErrorResponses.clientLeft(left)).as("%s", left).isTrue();
		}
		assertThat(ErrorResponses.clientLeft(new IOException("No space left on device"))).isFalse();
		assertThat(ErrorResponses.clientLeft(new IllegalStateException("Connection reset by peer"))).isFalse();
		DisposableServer server = failing(new IOException("sendAddress(..) failed: Connection reset by peer"), true);
		try (LogCapture log = LogCapture.start()) {
			TestClient.of(server.port()).exchange("/fail").onErrorResume(e -> Mono.empty()).block(TestClient.TIMEOUT);

			assertThat(log.text()).doesNotContain("[logID: ");
		}
		finally {
			server.disposeNow();
		}
	}

	@Test
	void anUnreachableRedisWhenFailingClosedIsA503WithRetryAfterAndTheLogIdOfTheOutage() {
		VirtualTimeScheduler clock = VirtualTimeScheduler.create();
		// Nothing listens on port 1: every connection is refused at once.
		GopherfluxServer server = TestClient.start(ServerConfig.defaults()
				.withRedis("redis://127.0.0.1:1", FailurePolicy.FAIL_CLOSED), clock);
		try (LogCapture log = LogCapture.start()) {
			Response r = TestClient.of(server).get("/streams/integers?count=1");

			assertThat(r.status()).isEqualTo(503);
			assertThat(r.contentType()).isEqualTo("application/problem+json");
			assertThat(r.header("Retry-After")).isEqualTo("1");
			Map<String, Object> problem = r.json();
			assertThat(problem).containsEntry("type", "urn:gopherflux:problem:limiter-unavailable")
					.containsEntry("status", 503L);
			// The outage is logged once, as one line whose ID every 503 of it carries: no stack trace per refusal.
			assertThat(logEntry(log.text(), (String) problem.get("logId")))
					.contains("rate limiter unavailable")
					.doesNotContain("\tat ");
			// One failed call is decided by the policy; the limiter is marked unavailable at the threshold
			// (three failed calls within ten seconds by default).
			assertThat(TestClient.of(server).get("/health").json()).containsEntry("limiter", "redis");
			for (int i = 0; i < 2; i++) {
				assertThat(TestClient.of(server).get("/streams/integers?count=1").status()).isEqualTo(503);
			}
			assertThat(TestClient.of(server).get("/health").json())
					.as("the server is up; its limiter is not").containsEntry("status", "UP")
					.containsEntry("limiter", "redis-unavailable, fail-closed");
		}
		finally {
			server.shutdown(Duration.ofSeconds(5));
			clock.dispose();
		}
	}
}
