package io.gopherflux.server;

import java.time.Duration;
import java.util.List;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.TestClient.LiveStream;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code /metrics} tells an operator: each admission decision counted once whatever the
 * number of quotas, the refusals, connections and limiter table of the server with descriptions
 * and units, and the JVM's and the process's own meters.
 */
class MetricsTest {

	VirtualTimeScheduler clock;
	GopherfluxServer server;
	TestClient client;

	@BeforeEach
	void start() {
		clock = VirtualTimeScheduler.create();
		// A stream's slot is given back just after its last byte: sequential streams of one client would
		// race it on a plan of one stream, so only the test of the cap uses that plan.
		server = TestClient.start(TestClient.plans(List.of(
				TestClient.plan("basic", "per-second:3/1s,per-minute:5/1m", Limit.of(1), 4),
				TestClient.plan("single", "per-second:100/1s", Limit.of(1), 1)), "single-key", "single"), clock);
		client = TestClient.of(server);
	}

	@AfterEach
	void stop() {
		server.shutdown(Duration.ZERO);
		clock.dispose();
	}

	private String metrics() {
		return client.get("/metrics").body();
	}

	@Test
	void aDecisionOnTwoQuotasIsCountedOnceAndARefusalOnlyAsDenied() {
		for (int i = 0; i < 3; i++) {
			assertThat(client.get("/streams/integers?count=1").status()).isEqualTo(200);
		}
		assertThat(client.get("/streams/integers?count=1").status()).isEqualTo(429);

		assertThat(metrics())
				.contains("gopherflux_ratelimit_permits_total{limiter=\"admission\",result=\"granted\"} 3.0")
				.contains("gopherflux_ratelimit_permits_total{limiter=\"admission\",result=\"denied\"} 1.0")
				.contains("gopherflux_ratelimit_permits_total{limiter=\"admission\",result=\"returned\"} 0.0");
	}

	@Test
	void theServersOwnMetersHaveDescriptionsAndUnitsInTheirNames() {
		client.get("/streams/integers?count=1");
		String text = metrics();

		for (String meter : List.of("gopherflux_server_active_streams", "gopherflux_server_open_connections",
				"gopherflux_server_limiter_clients", "gopherflux_server_limiter_overflow_requests_total",
				"gopherflux_server_refused_requests_total", "gopherflux_server_refused_connections_total",
				"gopherflux_server_closed_connections_total")) {
			assertThat(text).as(meter).containsPattern("(?m)^# HELP " + meter + " [A-Z].{10,}$")
					.containsPattern("(?m)^" + meter + "(\\{.*})? [0-9.]+$");
		}
		assertThat(text).contains("gopherflux_server_limiter_clients 1.0")
				.contains("gopherflux_server_refused_requests_total{reason=\"too-many-streams\"} 0.0")
				.contains("gopherflux_server_refused_requests_total{reason=\"unknown-api-key\"} 0.0")
				.contains("gopherflux_server_refused_requests_total{reason=\"limiter-unavailable\"} 0.0")
				.contains("gopherflux_server_closed_connections_total{reason=\"header-read-timeout\"} 0.0")
				.contains("gopherflux_server_closed_connections_total{reason=\"idle-timeout\"} 0.0");
	}

	@Test
	void aStreamBeyondThePlansCapIsCountedAsRefused() {
		TestClient single = client.header("X-Api-Key", "single-key");
		try (LiveStream open = single.open("/streams/integers?count=100&rate=1")) {
			open.awaitLines(1);

			assertThat(single.get("/streams/integers?count=1").status()).isEqualTo(429);
			assertThat(single.request(HttpMethod.HEAD, "/streams/integers?count=1").status()).as("HEAD as GET").isEqualTo(429);

			assertThat(metrics()).contains("gopherflux_server_refused_requests_total{reason=\"too-many-streams\"} 2.0")
					.contains("gopherflux_server_active_streams 1.0");
		}
	}

	@Test
	void theJvmAndProcessMetersAreThere() {
		assertThat(metrics()).contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads",
				"jvm_classes_loaded_classes", "process_cpu_usage", "process_uptime_seconds", "process_files_open_files",
				"system_cpu_count", "jvm_info");
	}
}
