package io.gopherflux.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.gopherflux.ratelimit.Limit;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live page at {@code /} in headless Chromium, served by the server itself (same origin, its
 * strict Content-Security-Policy in force): every panel receives its stream's events, the quota
 * panel shows the remaining requests from the {@code RateLimit} field, nothing is logged to the
 * console, and a screenshot is left in {@code target/live-page.png}. With a quota too small for
 * the page, the refused panels say so and the page retries at a bounded pace.
 * <p>
 * The server's timers run on a virtual clock moved forward by a ticker (about twice real time):
 * what is under test is what the page shows, not how fast the streams go.
 */
class LivePageBrowserTest {

	/** Virtual time per real millisecond. */
	static final Duration STEP = Duration.ofMillis(2);
	/** How long the page may take to show something from every panel, on a busy machine. */
	static final Duration PANELS_WITHIN = Duration.ofSeconds(40);

	static Browser browser;

	VirtualTimeScheduler clock;
	Disposable ticker;
	final Object ticking = new Object();
	boolean stopped;
	GopherfluxServer server;

	@BeforeAll
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	static void startBrowser() {
		browser = Browser.start();
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.close();
		}
	}

	void start(String quotas, int maxStreams) {
		clock = VirtualTimeScheduler.create();
		server = TestClient.start(ServerConfig.defaults().withSseRetry(Duration.ofMillis(500)).withPlans(TestClient.plans(
				List.of(TestClient.plan("page", quotas, Limit.of(1000), maxStreams)))), clock);
		// As TestClient.drive: the lock makes sure no tick advances the clock once stopped.
		ticker = Flux.interval(Duration.ofMillis(1)).onBackpressureDrop().subscribe(tick -> {
			synchronized (ticking) {
				if (!stopped) {
					clock.advanceTimeBy(STEP);
				}
			}
		});
	}

	@AfterEach
	void stop() {
		try {
			if (browser != null) {
				// Leaves the page, so that its streams end before the server does.
				browser.open("about:blank");
				browser.consoleErrors();
			}
		}
		finally {
			if (ticker != null) {
				ticker.dispose();
				synchronized (ticking) {
					stopped = true;
				}
			}
			if (server != null) {
				server.shutdown(Duration.ofSeconds(5));
			}
			if (clock != null) {
				clock.dispose();
			}
		}
	}

	/** Every panel's data attributes (its state and counters), by panel id. */
	@SuppressWarnings("unchecked")
	private Map<String, Map<String, Object>> panels() {
		return (Map<String, Map<String, Object>>) browser.script("""
				const panels = {};
				for (const section of document.querySelectorAll('main > section')) {
					panels[section.id] = Object.assign({}, section.dataset);
				}
				return panels;""");
	}

	private long number(Map<String, Map<String, Object>> panels, String panel, String field) {
		Object value = panels.get(panel).get(field);
		return value == null || !String.valueOf(value).matches("[0-9]+") ? -1 : Long.parseLong((String) value);
	}

	private long count(String selector) {
		return (Long) browser.script("return document.querySelectorAll(arguments[0]).length;", selector);
	}

	private void awaitPanels(String what, Predicate<Map<String, Map<String, Object>>> condition) {
		try {
			TestClient.await(PANELS_WITHIN, what, () -> condition.test(panels()));
		}
		catch (AssertionError e) {
			throw new AssertionError(e.getMessage() + "; the page shows " + panels(), e);
		}
	}

	private void awaitDrawn(String what, String selector, long atLeast) {
		try {
			TestClient.await(PANELS_WITHIN, what, () -> count(selector) >= atLeast);
		}
		catch (AssertionError e) {
			throw new AssertionError(e.getMessage() + "; " + count(selector) + " of '" + selector + "' drawn", e);
		}
	}

	private long requests(String uri) {
		return server.registry().find("reactor.netty.http.server.data.received.time")
				.tag("uri", uri).tag("method", "GET").timers().stream()
				.mapToLong(Timer::count).sum();
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void everyPanelShowsItsStreamLiveWithoutAConsoleError() throws IOException {
		start("per-second:1000/1s,per-minute:20000/1m", 8);

		browser.open("http://127.0.0.1:" + server.port() + "/");

		assertThat(browser.script("return document.contentType;")).isEqualTo("text/html");
		awaitPanels("pulses and values, a ward restart, integers with their quota and replicated answers", p ->
				number(p, "heartbeat", "pulses") >= 2 && number(p, "heartbeat", "values") >= 2
						&& number(p, "ward", "restarts") >= 1 && number(p, "ward", "values") >= 1
						&& number(p, "integers", "values") >= 3 && number(p, "integers", "remaining") >= 0
						&& number(p, "replicated", "answers") >= 2);
		Map<String, Map<String, Object>> panels = panels();

		assertThat(panels.get("heartbeat")).containsEntry("state", "live");
		assertThat(panels.get("ward").get("reason")).isIn("timeout", "error", "completed");
		// The charts are redrawn on a timer after each event, so the counts above can be ahead of them.
		awaitDrawn("pulses drawn", "#heartbeat svg line.pulse", 1);
		awaitDrawn("values drawn", "#heartbeat svg line.value", 1);
		awaitDrawn("restarts on the timeline",
				"#ward svg line.restart-timeout, #ward svg line.restart-error, #ward svg line.restart-completed", 1);
		awaitDrawn("restarts listed with their reasons", "#ward .log li", 1);
		awaitDrawn("answers charted", "#replicated svg rect.bar", 2);
		assertThat(number(panels, "integers", "remaining")).as("requests left, from the RateLimit field")
				.isBetween(0L, 20000L);
		assertThat(panels.get("integers").get("quotaName")).isIn("per-second", "per-minute");
		assertThat(browser.script("return document.querySelector('#integers .quota').textContent;"))
				.asString().contains("per-second: ").contains(" of 1000 left").contains("per-minute: ")
				.contains(" of 20000 left");

		byte[] png = browser.screenshot();
		Path screenshot = Path.of(System.getProperty("basedir", "."), "target", "live-page.png");
		Files.createDirectories(screenshot.getParent());
		Files.write(screenshot, png);
		assertThat(png).as("a PNG").startsWith(0x89, 'P', 'N', 'G');
		assertThat(browser.consoleErrors()).as("the console's errors").isEmpty();
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void refusedRequestsShowAStateAndAreRetriedAtABoundedPace() {
		// Room for the page's first four requests and nothing more for a while (a token per 15 s of the clock).
		start("per-minute:4/1m", 8);

		browser.open("http://127.0.0.1:" + server.port() + "/");

		awaitPanels("the integers refused with no requests left, the replicated requests refused", p ->
				"limited".equals(p.get("integers").get("state")) && number(p, "integers", "remaining") == 0
						&& number(p, "integers", "values") >= 1 && number(p, "replicated", "answers") >= 1);
		awaitPanels("a refused replicated request", p -> "refused".equals(p.get("replicated").get("state")));
		long replicated = requests("/replicated");
		long integers = requests("/streams/integers");
		assertThat(replicated).as("an answered and a refused request, both counted").isGreaterThanOrEqualTo(2);
		List<String> errors = new ArrayList<>(browser.consoleErrors());

		// Each panel waits at least 2 s, doubling, before it asks again: in 6 s at most 3 more requests each.
		TestClient.during(Duration.ofSeconds(6), "requests at a bounded pace",
				() -> requests("/replicated") - replicated <= 3 && requests("/streams/integers") - integers <= 3);
		errors.addAll(browser.consoleErrors());
		Map<String, Map<String, Object>> panels = panels();

		assertThat(panels.get("heartbeat").get("state")).as("admitted streams carry on").isEqualTo("live");
		assertThat(panels.get("ward").get("state")).as("a ward stream's reconnect may be refused too")
				.isIn("live", "failed", "reconnecting", "refused");
		assertThat(errors).as("only the refused requests, no script or policy error").isNotEmpty().allSatisfy(message ->
				assertThat(message).contains("429").doesNotContain("Uncaught").doesNotContain("Content Security Policy"));
		assertThat(errors.size()).as("one line per refused request: %s", errors)
				.isLessThanOrEqualTo((int) (requests("/replicated") + requests("/streams/integers")
						+ requests("/streams/ward") + requests("/streams/heartbeat")));
	}
}
