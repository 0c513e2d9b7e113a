package io.gopherflux.server.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gopherflux.ratelimit.redis.FailurePolicy;
import io.gopherflux.server.GopherfluxServer;
import io.gopherflux.server.LogCapture;
import io.gopherflux.server.ServerConfig;
import io.gopherflux.server.redis.Http.Reply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fail-closed limiter whose Redis never answered (nothing listens on its port, so no
 * redis-server is needed): every request is a 503, and the log gets one line for the outage, not
 * a stack trace per refusal; the refusals are counted instead.
 */
class FailClosedLoggingTest {

	static final int REFUSALS = 30;

	@Test
	void refusalsWhileRedisIsDownAreCountedAndTheOutageIsLoggedOnce() throws IOException {
		GopherfluxServer server = GopherfluxServer.start(ServerConfig.defaults().withPort(0)
				.withPlans(Http.onePlan("per-second:1000/1s"))
				.withRedis("redis://127.0.0.1:" + deadPort(), FailurePolicy.FAIL_CLOSED));
		List<Reply> replies = new ArrayList<>();
		String logged;
		try (LogCapture log = LogCapture.start()) {
			for (int i = 0; i < REFUSALS; i++) {
				replies.add(Http.getNow(server, Http.LIMITED, RedisServers.uniqueKey()));
			}
			logged = log.text();
		}
		finally {
			server.shutdown(Duration.ofSeconds(1));
		}

		assertThat(replies).extracting(Reply::status).containsOnly(503);
		String logId = replies.get(0).member("logId");
		assertThat(replies).extracting(r -> r.member("logId")).containsOnly(logId);
		assertThat(logged.lines().filter(line -> line.contains("[logID: ")).toList()).singleElement()
				.asString().contains(logId).contains("refusing requests with 503").doesNotContain("client-");
		assertThat(logged.lines().count()).as("a few state-change lines, not a stack trace per refusal:%n%s", logged)
				.isLessThanOrEqualTo(5);
		assertThat(server.registry().scrape())
				.contains("gopherflux_server_refused_requests_total{reason=\"limiter-unavailable\"} " + REFUSALS + ".0");
	}

	/** A port nothing listens on: bound for a moment, then closed. */
	private static int deadPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}
}
