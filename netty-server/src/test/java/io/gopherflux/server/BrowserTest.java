package io.gopherflux.server;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.http.CorsConfig;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server as a browser sees it: headless Chromium opens a page from another origin whose
 * {@code EventSource} reads a stream through a relay the test can cut. Events arrive with their
 * IDs; a cut connection is reconnected with {@code Last-Event-ID} and the stream resumes after it;
 * the finished stream's reconnect is answered 204 and the {@code EventSource} stops for good. The
 * stream is throttled on a virtual clock, so it advances only when the test moves time.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BrowserTest {

	static final Duration RETRY = Duration.ofMillis(200);
	static final String PAGE = """
			<!doctype html>
			<meta charset="utf-8">
			<link rel="icon" href="data:,">
			<title>gopherflux EventSource</title>
			<script>
			const seen = {opens: 0, errors: 0, events: []};
			const source = new EventSource(new URLSearchParams(location.search).get('stream'));
			source.addEventListener('open', () => seen.opens++);
			source.addEventListener('error', () => seen.errors++);
			source.addEventListener('value', e =>
					seen.events.push({id: e.lastEventId, value: JSON.parse(e.data).value, type: JSON.parse(e.data).type}));
			window.observed = () => ({opens: seen.opens, errors: seen.errors, events: seen.events, state: source.readyState});
			</script>
			<p>EventSource test page</p>
			""";
	static final String FETCH_PAGE = """
			<!doctype html>
			<meta charset="utf-8">
			<link rel="icon" href="data:,">
			<title>gopherflux fetch</title>
			<script>
			window.result = null;
			fetch(new URLSearchParams(location.search).get('url'))
					.then(r => r.text().then(body => window.result = {status: r.status, rateLimit: r.headers.get('RateLimit'),
							policy: r.headers.get('RateLimit-Policy'), body: body}))
					.catch(e => window.result = {error: String(e)});
			</script>
			""";

	VirtualTimeScheduler clock;
	StaticSite site;
	GopherfluxServer server;
	TcpRelay relay;
	Browser browser;

	@BeforeEach
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void start() {
		browser = Browser.start();
		clock = VirtualTimeScheduler.create();
		site = StaticSite.start().page("/events.html", PAGE).page("/fetch.html", FETCH_PAGE);
		server = TestClient.start(ServerConfig.defaults()
				.withSseRetry(RETRY)
				.withCors(CorsConfig.of(site.origin()))
				.withPlans(TestClient.plans(List.of(TestClient.plan("page", "per-second:1000/1s", Limit.of(10), 8)))), clock);
		relay = TcpRelay.to(server.port());
	}

	@AfterEach
	void stop() {
		if (browser != null) {
			browser.close();
		}
		if (relay != null) {
			relay.close();
		}
		if (server != null) {
			server.shutdown(Duration.ofSeconds(5));
		}
		if (site != null) {
			site.close();
		}
		if (clock != null) {
			clock.dispose();
		}
	}

	private Map<String, Object> observed() {
		return browser.object("return window.observed();");
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> events() {
		return (List<Map<String, Object>>) observed().get("events");
	}

	private void awaitPage(String what, Predicate<Map<String, Object>> condition) {
		try {
			TestClient.await(what, () -> condition.test(observed()));
		}
		catch (AssertionError e) {
			throw new AssertionError(e.getMessage() + "; the page saw " + observed(), e);
		}
	}

	/** The GET requests the server has received for the integers stream. */
	private long streamRequests() {
		return server.registry().find("reactor.netty.http.server.data.received.time")
				.tag("uri", "/streams/integers").tag("method", "GET").timers().stream()
				.mapToLong(Timer::count).sum();
	}

	@Test
	void anEventSourceResumesAfterACutAndStopsAtTheEndOfTheStream() {
		String stream = "http://127.0.0.1:" + relay.port() + "/streams/integers?from=1&count=5&format=sse";
		browser.open(site.origin() + "/events.html?stream=" + URLEncoder.encode(stream, StandardCharsets.UTF_8));

		awaitPage("the first event", page -> events().size() == 1);
		clock.advanceTimeBy(Duration.ofMillis(100));
		awaitPage("the second event", page -> events().size() == 2);
		assertThat(events()).extracting(e -> e.get("id")).containsExactly("1", "2");
		assertThat(events()).extracting(e -> e.get("type")).containsOnly("value");

		relay.cut();
		awaitPage("the reconnect and the event after the last one seen",
				page -> ((Long) page.get("opens")) == 2 && events().size() == 3);
		assertThat(events()).as("resumed after Last-Event-ID 2, nothing replayed").extracting(e -> e.get("value"))
				.containsExactly(1L, 2L, 3L);

		clock.advanceTimeBy(Duration.ofMillis(100));
		clock.advanceTimeBy(Duration.ofMillis(100));
		awaitPage("the end of the stream and the EventSource closed by the 204",
				page -> events().size() == 5 && ((Long) page.get("state")) == 2);
		assertThat(events()).extracting(e -> e.get("id")).containsExactly("1", "2", "3", "4", "5");
		assertThat(events()).extracting(e -> e.get("value")).containsExactly(1L, 2L, 3L, 4L, 5L);
		long requests = streamRequests();
		assertThat(requests).as("the first request, the reconnect after the cut, the one answered 204").isEqualTo(3);

		// A closed EventSource never reconnects; watch for ten retry delays that it does not.
		TestClient.during(RETRY.multipliedBy(10), "no reconnect of the finished stream",
				() -> streamRequests() == requests && ((Long) observed().get("state")) == 2);
		assertThat(observed().get("opens")).isEqualTo(2L);
		assertThat(browser.consoleErrors()).noneMatch(message -> message.contains("CORS")
				|| message.contains("Access-Control"));
	}

	@Test
	void aPageOfAnAllowedOriginReadsTheRateLimitFields() {
		String url = "http://127.0.0.1:" + server.port() + "/streams/integers?count=1";
		browser.open(site.origin() + "/fetch.html?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8));

		TestClient.await("the fetch to finish", () -> browser.script("return window.result;") != null);
		Map<String, Object> result = browser.object("return window.result;");

		assertThat(result).as("%s", result).containsEntry("status", 200L);
		assertThat((String) result.get("rateLimit")).startsWith("\"per-second\";r=");
		assertThat((String) result.get("policy")).isEqualTo("\"per-second\";q=1000;w=1");
		assertThat(TestClient.ndjson((String) result.get("body"))).hasSize(1);
		assertThat(browser.screenshot()).as("a PNG").startsWith(0x89, 'P', 'N', 'G');
		assertThat(browser.consoleErrors()).isEmpty();
	}

	@Test
	void aPageOfAnotherOriginCannotReadTheStream() {
		server.shutdown(Duration.ofSeconds(5));
		server = TestClient.start(ServerConfig.defaults().withPlans(TestClient.plans(List.of(
				TestClient.plan("page", "per-second:1000/1s", Limit.INF, 8)))), clock);
		String url = "http://127.0.0.1:" + server.port() + "/streams/integers?count=2";
		browser.open(site.origin() + "/fetch.html?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8));

		TestClient.await("the fetch to fail", () -> browser.script("return window.result;") != null);

		assertThat(browser.object("return window.result;")).containsKey("error");
		assertThat(browser.consoleErrors()).anyMatch(message -> message.contains("CORS"));
	}
}
