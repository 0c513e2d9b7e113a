package io.gopherflux.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.TestClient.Response;
import io.gopherflux.server.limit.AddressRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admission over HTTP: the exact {@code RateLimit-Policy}, {@code RateLimit} and
 * {@code Retry-After} values through a burst and after it, on a virtual clock so that no bucket
 * refills unless a test moves time; buckets per known API key and per address (an unknown key
 * is a 401 charged to the address), and which address {@code X-Forwarded-For} may name.
 */
class RateLimitingTest {

	static final String BASIC_POLICY = "\"per-second\";q=3;w=1, \"per-minute\";q=5;w=60";
	static final String PATH = "/streams/integers?count=1";

	VirtualTimeScheduler clock;
	GopherfluxServer server;

	@BeforeEach
	void start() {
		clock = VirtualTimeScheduler.create();
	}

	@AfterEach
	void stop() {
		if (server != null) {
			assertThat(server.shutdown(Duration.ofSeconds(5))).isTrue();
		}
		clock.dispose();
	}

	/** A server whose anonymous plan allows 3 a second and 5 a minute; keys on other plans. */
	private TestClient serve(List<AddressRange> trustedProxies) {
		server = TestClient.start(ServerConfig.defaults().withTrustedProxies(trustedProxies).withPlans(TestClient.plans(
				List.of(TestClient.plan("basic", "per-second:3/1s,per-minute:5/1m", Limit.INF, 4),
						TestClient.plan("tight", "per-second:3/1s,per-minute:2/1m", Limit.INF, 4),
						TestClient.plan("gold", "per-second:50/1s,per-minute:1000/1m", Limit.INF, 4)),
				"tight-key", "tight", "gold-key", "gold", "first", "basic", "second", "basic")), clock);
		return TestClient.of(server);
	}

	private TestClient serve() {
		return serve(List.of());
	}

	private static void assertAllowed(Response r, String policy, String state) {
		assertThat(r.status()).as("%s", r).isEqualTo(200);
		assertThat(r.header("RateLimit-Policy")).isEqualTo(policy);
		assertThat(r.header("RateLimit")).isEqualTo(state);
		assertThat(r.header("Retry-After")).isNull();
	}

	private static void assertRefused(Response r, String policy, String state, long retryAfter) {
		assertThat(r.status()).as("%s", r).isEqualTo(429);
		assertThat(r.contentType()).isEqualTo("application/problem+json");
		assertThat(r.header("Retry-After")).isEqualTo(Long.toString(retryAfter));
		assertThat(r.header("RateLimit-Policy")).isEqualTo(policy);
		assertThat(r.header("RateLimit")).isEqualTo(state);
		Map<String, Object> problem = r.json();
		assertThat(problem).containsEntry("type", "urn:gopherflux:problem:rate-limited")
				.containsEntry("status", 429L)
				.containsEntry("instance", "/streams/integers")
				.containsEntry("retryAfter", retryAfter);
		assertThat((String) problem.get("title")).isNotBlank();
		assertThat((String) problem.get("detail")).contains("retry in " + retryAfter + " s");
	}

	@Test
	void theBurstIsAllowedWithExactStateThenRefusedWithExactHeaders() {
		TestClient client = serve();

		assertAllowed(client.get(PATH), BASIC_POLICY, "\"per-second\";r=2;t=1, \"per-minute\";r=4;t=12");
		assertAllowed(client.get(PATH), BASIC_POLICY, "\"per-second\";r=1;t=1, \"per-minute\";r=3;t=24");
		assertAllowed(client.get(PATH), BASIC_POLICY, "\"per-second\";r=0;t=1, \"per-minute\";r=2;t=36");
		Response refused = client.get(PATH);

		assertRefused(refused, BASIC_POLICY, "\"per-second\";r=0;t=1, \"per-minute\";r=2;t=36", 1);
		assertThat(refused.header("Cache-Control")).isEqualTo("no-store");
		assertThat(refused.body()).as("a refused stream sends no element").doesNotContain("\"value\"");
	}

	@Test
	void retryAfterIsHonouredAndNotEarly() {
		TestClient client = serve();
		for (int i = 0; i < 3; i++) {
			assertThat(client.get(PATH).status()).isEqualTo(200);
		}
		long retryAfter = Long.parseLong(client.get(PATH).header("Retry-After"));

		clock.advanceTimeBy(Duration.ofMillis(300));
		assertThat(client.get(PATH).status()).as("a third of a token short").isEqualTo(429);
		clock.advanceTimeBy(Duration.ofSeconds(retryAfter).minusMillis(300));

		assertAllowed(client.get(PATH), BASIC_POLICY, "\"per-second\";r=2;t=1, \"per-minute\";r=1;t=47");
	}

	@Test
	void whenThePerMinuteQuotaIsSpentRetryAfterIsItsWait() {
		TestClient client = serve().header("X-Api-Key", "tight-key");
		String policy = "\"per-second\";q=3;w=1, \"per-minute\";q=2;w=60";
		assertAllowed(client.get(PATH), policy, "\"per-second\";r=2;t=1, \"per-minute\";r=1;t=30");
		assertAllowed(client.get(PATH), policy, "\"per-second\";r=1;t=1, \"per-minute\";r=0;t=60");

		assertRefused(client.get(PATH), policy, "\"per-second\";r=1;t=1, \"per-minute\";r=0;t=60", 30);
		clock.advanceTimeBy(Duration.ofSeconds(15));
		assertRefused(client.get(PATH), policy, "\"per-second\";r=3;t=0, \"per-minute\";r=0;t=45", 15);
		clock.advanceTimeBy(Duration.ofSeconds(15));

		assertAllowed(client.get(PATH), policy, "\"per-second\";r=2;t=1, \"per-minute\";r=0;t=60");
	}

	@Test
	void eachKnownApiKeyHasItsOwnBucketAndKeysOnAPlanGetItsPolicy() {
		TestClient anonymous = serve();
		TestClient first = anonymous.header("X-Api-Key", "first");
		for (int i = 0; i < 3; i++) {
			assertThat(first.get(PATH).status()).isEqualTo(200);
		}
		assertThat(first.get(PATH).status()).isEqualTo(429);

		assertAllowed(anonymous.header("X-Api-Key", "second").get(PATH), BASIC_POLICY,
				"\"per-second\";r=2;t=1, \"per-minute\";r=4;t=12");
		assertAllowed(anonymous.get(PATH), BASIC_POLICY, "\"per-second\";r=2;t=1, \"per-minute\";r=4;t=12");
		assertAllowed(anonymous.header("X-Api-Key", "gold-key").get(PATH),
				"\"per-second\";q=50;w=1, \"per-minute\";q=1000;w=60",
				"\"per-second\";r=49;t=1, \"per-minute\";r=999;t=1");
	}

	@Test
	void anUnknownApiKeyBuysNoBudgetItIsA401ChargedToTheSendersAddress() {
		TestClient anonymous = serve();

		for (int i = 0; i < 3; i++) {
			Response r = anonymous.header("X-Api-Key", "guess-" + i).get(PATH);

			assertThat(r.status()).as("%s", r).isEqualTo(401);
			assertThat(r.contentType()).isEqualTo("application/problem+json");
			assertThat(r.header("WWW-Authenticate")).isEqualTo("ApiKey header=\"X-Api-Key\"");
			assertThat(r.json()).containsEntry("type", "urn:gopherflux:problem:unknown-api-key")
					.containsEntry("status", 401L)
					.doesNotContainKey("parameter");
			assertThat(r.body()).as("no hint of which keys exist").doesNotContain("gold", "tight", "first", "guess");
			assertThat(r.header("RateLimit-Policy")).as("the address's plan").isEqualTo(BASIC_POLICY);
			assertThat(r.header("RateLimit")).startsWith("\"per-second\";r=" + (2 - i) + ";");
		}
		// Guessing spent the address's budget: the next guess and the keyless request are refused.
		assertRefused(anonymous.header("X-Api-Key", "guess-4").get(PATH), BASIC_POLICY,
				"\"per-second\";r=0;t=1, \"per-minute\";r=2;t=36", 1);
		assertThat(anonymous.get(PATH).status()).isEqualTo(429);
		// A known key keeps its plan and its own budget.
		assertThat(anonymous.header("X-Api-Key", "gold-key").get(PATH).status()).isEqualTo(200);
		assertThat(server.registry().scrape()).contains("gopherflux_server_refused_requests_total{reason=\"unknown-api-key\"} 3.0");
	}

	@Test
	void anUnknownApiKeyOnAnUnlimitedEndpointIsNotLookedAt() {
		TestClient guesser = serve().header("X-Api-Key", "guess");

		assertThat(guesser.get("/health").status()).isEqualTo(200);
		assertThat(guesser.get("/").status()).isEqualTo(200);
	}

	@Test
	void aTrustedProxysForwardedForNamesTheClient() {
		TestClient proxy = serve(List.of(AddressRange.parse("127.0.0.1/32"), AddressRange.parse("::1/128")));
		TestClient alice = proxy.header("X-Forwarded-For", "203.0.113.1");
		TestClient bob = proxy.header("X-Forwarded-For", "203.0.113.2");

		assertThat(remaining(alice.get(PATH))).isEqualTo(2);
		assertThat(remaining(alice.get(PATH))).isEqualTo(1);
		assertThat(remaining(bob.get(PATH))).as("another client").isEqualTo(2);
		assertThat(remaining(proxy.get(PATH))).as("the proxy itself").isEqualTo(2);
		assertThat(remaining(proxy.header("X-Forwarded-For", "203.0.113.2, 127.0.0.1").get(PATH)))
				.as("a chain of trusted proxies is walked back to the client").isEqualTo(1);
	}

	@Test
	void onlyTheEntryTheTrustedProxyAddedIsBelieved() {
		TestClient proxy = serve(List.of(AddressRange.parse("127.0.0.1/32"), AddressRange.parse("::1/128")));

		assertThat(remaining(proxy.header("X-Forwarded-For", "5.6.7.8").get(PATH))).isEqualTo(2);
		assertThat(remaining(proxy.header("X-Forwarded-For", "1.2.3.4, 5.6.7.8").get(PATH)))
				.as("1.2.3.4 was written by the client; 5.6.7.8 by the proxy").isEqualTo(1);
		assertThat(remaining(proxy.header("X-Forwarded-For", "9.9.9.9, 5.6.7.8").get(PATH))).isEqualTo(0);
		assertThat(proxy.header("X-Forwarded-For", "10.0.0.1, 5.6.7.8").get(PATH).status())
				.as("spoofed entries cannot escape the bucket").isEqualTo(429);
		assertThat(remaining(proxy.header("X-Forwarded-For", "5.6.7.8, 1.2.3.4").get(PATH)))
				.as("here the proxy saw 1.2.3.4").isEqualTo(2);
	}

	@Test
	void forwardedForFromAnUntrustedPeerIsIgnored() {
		TestClient direct = serve();

		assertThat(remaining(direct.header("X-Forwarded-For", "203.0.113.1").get(PATH))).isEqualTo(2);
		assertThat(remaining(direct.header("X-Forwarded-For", "203.0.113.2").get(PATH))).isEqualTo(1);
		assertThat(remaining(direct.get(PATH))).isEqualTo(0);
		assertThat(direct.header("X-Forwarded-For", "203.0.113.3").get(PATH).status()).isEqualTo(429);
	}

	/** The requests left in the per-second quota, from the {@code RateLimit} field of an allowed response. */
	private static long remaining(Response r) {
		assertThat(r.status()).as("%s", r).isEqualTo(200);
		String state = r.header("RateLimit");
		String perSecond = state.substring(state.indexOf("\"per-second\";r=") + "\"per-second\";r=".length());
		return Long.parseLong(perSecond.substring(0, perSecond.indexOf(';')));
	}
}
