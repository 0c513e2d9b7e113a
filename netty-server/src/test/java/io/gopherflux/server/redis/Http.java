package io.gopherflux.server.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.GopherfluxServer;
import io.gopherflux.server.limit.Plan;
import io.gopherflux.server.limit.Plans;
import io.gopherflux.server.limit.Quota;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/** Requests to a running server and readers for what the Redis tests look at in the answers. */
final class Http {

	/** A cheap rate-limited request: one NDJSON element. */
	static final String LIMITED = "/streams/integers?count=1&format=ndjson";

	private static final Duration ANSWER_WITHIN = Duration.ofSeconds(15);
	private static final Pattern STATE_ITEM = Pattern.compile("\"([a-z][a-z0-9-]*)\";r=(\\d+);t=(\\d+)");

	private Http() {
	}

	/** One answer, read whole. */
	record Reply(int status, HttpHeaders headers, String body) {

		String header(String name) {
			return headers.get(name);
		}

		/** A top-level string or number member of a flat JSON object, as text; null if absent. */
		String member(String name) {
			Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}]+)").matcher(body);
			if (!m.find()) {
				return null;
			}
			return m.group(2) != null ? m.group(2) : m.group(1);
		}

		/** The {@code RateLimit} field as quota name → {r, t}, in field order. */
		Map<String, long[]> rateLimit() {
			Map<String, long[]> state = new LinkedHashMap<>();
			Matcher m = STATE_ITEM.matcher(header("RateLimit"));
			while (m.find()) {
				state.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
			}
			return state;
		}

		long remaining(String quota) {
			return rateLimit().get(quota)[0];
		}

		long untilFull(String quota) {
			return rateLimit().get(quota)[1];
		}
	}

	/** GET {@code path} with {@code X-Api-Key: apiKey} (none if null), on a connection of its own. */
	static Mono<Reply> get(GopherfluxServer server, String path, String apiKey) {
		return HttpClient.newConnection()
				.host("127.0.0.1")
				.port(server.port())
				.headers(h -> {
					if (apiKey != null) {
						h.set("X-Api-Key", apiKey);
					}
				})
				.get()
				.uri(path)
				.responseSingle((response, body) -> body.asString()
						.defaultIfEmpty("")
						.map(text -> new Reply(response.status().code(), response.responseHeaders(), text)));
	}

	static Reply getNow(GopherfluxServer server, String path, String apiKey) {
		return get(server, path, apiKey).block(ANSWER_WITHIN);
	}

	/** What {@code /health} says of the limiter. */
	static String limiterState(GopherfluxServer server) {
		return getNow(server, "/health", null).member("limiter");
	}

	/** Polls, bounded, until {@code condition} holds; fails saying what was awaited otherwise. */
	static void await(String what, Duration within, Supplier<Boolean> condition) {
		// Conditions may block (HTTP, Redis): each attempt runs where that is allowed.
		Boolean met = Mono.fromSupplier(condition)
				.subscribeOn(Schedulers.boundedElastic())
				.filter(Boolean::booleanValue)
				.repeatWhenEmpty(Integer.MAX_VALUE, tries -> tries.delayElements(Duration.ofMillis(50)))
				.timeout(within, Mono.just(false))
				.block();
		if (!Boolean.TRUE.equals(met)) {
			throw new AssertionError("not within " + within + ": " + what);
		}
	}

	/**
	 * The one plan, {@code free}, every client is on: {@code quotas}, no stream cap that could
	 * interfere; every test client key is known (an unknown key would be a 401).
	 */
	static Plans onePlan(String quotas) {
		List<Quota> parsed = Arrays.stream(quotas.split(",")).map(Quota::parse).toList();
		Plan plan = new Plan("free", parsed, Limit.INF, 64);
		Map<String, String> keys = new LinkedHashMap<>();
		RedisServers.knownKeys().forEach(key -> keys.put(key, "free"));
		return new Plans(Map.of("free", plan), "free", keys);
	}
}
