package io.gopherflux.server;

import java.time.Duration;
import java.util.List;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.RawHttp.RawResponse;
import io.gopherflux.server.http.CorsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-origin access as the {@code cors-origins} option allows it: none by default; for an
 * allowed origin its name in {@code Access-Control-Allow-Origin} and the rate-limit fields
 * exposed, on answers and refusals alike; a preflight answered 204; nothing for other origins.
 */
class CorsTest {

	static final String PAGE = "http://page.example:8000";

	VirtualTimeScheduler clock;
	GopherfluxServer server;

	@BeforeEach
	void createClock() {
		clock = VirtualTimeScheduler.create();
	}

	@AfterEach
	void stop() {
		if (server != null) {
			server.shutdown(Duration.ofSeconds(5));
		}
		clock.dispose();
	}

	private int serve(CorsConfig cors) {
		server = TestClient.start(ServerConfig.defaults().withCors(cors).withPlans(TestClient.plans(List.of(
				TestClient.plan("tight", "per-second:2/1s", Limit.INF, 4)))), clock);
		return server.port();
	}

	private static String request(String method, String uri, String... fields) {
		StringBuilder request = new StringBuilder(method + " " + uri + " HTTP/1.1\r\nHost: api.example\r\n");
		for (String field : fields) {
			request.append(field).append("\r\n");
		}
		return request.append("\r\n").toString();
	}

	@Test
	void byDefaultNoOriginGetsCorsFields() {
		int port = serve(CorsConfig.none());

		RawResponse r = RawHttp.exchange(port, request("GET", "/streams/integers?count=1", "Origin: " + PAGE));
		RawResponse preflight = RawHttp.exchange(port, request("OPTIONS", "/streams/integers", "Origin: " + PAGE,
				"Access-Control-Request-Method: GET"));

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.names()).noneMatch(name -> name.startsWith("access-control-")).doesNotContain("vary");
		assertThat(preflight.status()).isEqualTo(204);
		assertThat(preflight.names()).noneMatch(name -> name.startsWith("access-control-"));
	}

	@Test
	void anAllowedOriginMayReadTheStreamAndItsRateLimitFields() {
		int port = serve(CorsConfig.of(PAGE, "https://other.example"));

		RawResponse r = RawHttp.exchange(port, request("GET", "/streams/integers?count=1&format=sse", "Origin: " + PAGE));

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(PAGE);
		assertThat(r.header("Access-Control-Expose-Headers")).isEqualTo("RateLimit, RateLimit-Policy, Retry-After");
		assertThat(r.header("Vary")).isEqualTo("origin");
		assertThat(r.names()).doesNotContain("access-control-allow-credentials");
	}

	@Test
	void anotherOriginOrNoneGetsNoCorsFieldsButTheVary() {
		int port = serve(CorsConfig.of(PAGE));

		for (String origin : List.of("Origin: http://evil.example", "Origin: http://page.example:8001", "Origin: null",
				"X-No-Origin: 1")) {
			RawResponse r = RawHttp.exchange(port, request("GET", "/health", origin));

			assertThat(r.status()).isEqualTo(200);
			assertThat(r.names()).as(origin).noneMatch(name -> name.startsWith("access-control-"));
			assertThat(r.header("Vary")).as("a cache must key on Origin").isEqualTo("origin");
		}
	}

	@Test
	void refusalsCarryTheFieldsSoThatThePageCanReadThem() {
		int port = serve(CorsConfig.of(PAGE));
		String origin = "Origin: " + PAGE;

		RawResponse bad = RawHttp.exchange(port, request("GET", "/streams/integers?count=x", origin));
		RawResponse finished = RawHttp.exchange(port, request("GET", "/streams/integers?count=1&format=sse", origin,
				"Last-Event-ID: 0"));
		RawHttp.exchange(port, request("GET", "/streams/integers?count=1", origin));
		RawResponse limited = RawHttp.exchange(port, request("GET", "/streams/integers?count=1", origin));
		RawResponse notAllowed = RawHttp.exchange(port, request("DELETE", "/health", origin));

		assertThat(bad.status()).isEqualTo(400);
		assertThat(limited.status()).isEqualTo(429);
		assertThat(finished.status()).isEqualTo(204);
		assertThat(notAllowed.status()).isEqualTo(405);
		assertThat(notAllowed.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
		assertThat(List.of(bad, limited, finished, notAllowed)).allSatisfy(r ->
				assertThat(r.header("Access-Control-Allow-Origin")).as("%s", r).isEqualTo(PAGE));
		assertThat(limited.header("Retry-After")).isNotNull();
	}

	@Test
	void aPreflightFromAnAllowedOriginIs204WithTheMethodsAndFieldsAPageMayUse() {
		int port = serve(CorsConfig.of(PAGE));

		RawResponse r = RawHttp.exchange(port, request("OPTIONS", "/streams/integers?count=3", "Origin: " + PAGE,
				"Access-Control-Request-Method: GET", "Access-Control-Request-Headers: last-event-id, x-api-key"));

		assertThat(r.status()).isEqualTo(204);
		assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(PAGE);
		assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("GET, HEAD");
		assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("Accept, Last-Event-ID, X-Api-Key");
		assertThat(r.header("Access-Control-Max-Age")).isEqualTo("600");
		assertThat(r.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
		assertThat(r.names()).doesNotContain("ratelimit", "transfer-encoding", "content-length");
		assertThat(server.activeStreams()).as("a preflight runs nothing").isZero();
	}

	@Test
	void aPreflightFromAnotherOriginGetsNoPermissionAndAnUnknownPathIsStillNotFound() {
		int port = serve(CorsConfig.of(PAGE));

		RawResponse other = RawHttp.exchange(port, request("OPTIONS", "/streams/integers", "Origin: http://evil.example",
				"Access-Control-Request-Method: GET"));
		RawResponse unknown = RawHttp.exchange(port, request("OPTIONS", "/nope", "Origin: " + PAGE,
				"Access-Control-Request-Method: GET"));

		assertThat(other.status()).isEqualTo(204);
		assertThat(other.names()).noneMatch(name -> name.startsWith("access-control-"));
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.header("Content-Type")).isEqualTo("application/problem+json");
	}

	@Test
	void anyOriginIsAStarWithoutVary() {
		int port = serve(CorsConfig.any());

		RawResponse r = RawHttp.exchange(port, request("GET", "/health", "Origin: http://anywhere.example"));

		assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
		assertThat(r.names()).doesNotContain("vary");
	}
}
