package io.gopherflux.server.internal.live;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.gopherflux.server.GopherfluxServer;
import io.gopherflux.server.RawHttp;
import io.gopherflux.server.RawHttp.RawResponse;
import io.gopherflux.server.ServerConfig;
import io.gopherflux.server.TestClient;
import io.gopherflux.server.http.CorsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * {@code /} over HTTP: the live page for a browser, the JSON list for everyone else, a 406 for an
 * {@code Accept} that allows neither; {@code HEAD} with the header fields of {@code GET}, and
 * {@code Vary: Accept} on all of them. Then the page itself: its policy allows exactly its inline
 * script and style, and it loads nothing from anywhere else.
 */
class LivePageTest {

	static final String CHROMIUM = IndexFormatTest.CHROMIUM;
	static final String ORIGIN = "http://page.example";

	static VirtualTimeScheduler clock;
	static GopherfluxServer server;

	@BeforeAll
	static void start() {
		clock = VirtualTimeScheduler.create();
		server = TestClient.start(ServerConfig.defaults().withCors(CorsConfig.of(ORIGIN)), clock);
	}

	@AfterAll
	static void stop() {
		assertThat(server.shutdown(Duration.ofSeconds(5))).isTrue();
		clock.dispose();
	}

	private static RawResponse exchange(String method, String... fields) {
		StringBuilder request = new StringBuilder(method).append(" / HTTP/1.1\r\nHost: localhost\r\n");
		for (String field : fields) {
			request.append(field).append("\r\n");
		}
		return RawHttp.exchange(server.port(), request.append("Connection: close\r\n\r\n").toString());
	}

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> LivePage.orJson(null, null, () -> null))
				.withMessage("request");
	}

	@Test
	void aBrowserGetsThePageWithItsSecurityPolicy() {
		RawResponse r = exchange("GET", "Accept: " + CHROMIUM);

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
		assertThat(r.text()).isEqualTo(LivePage.html()).startsWith("<!doctype html>");
		assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(r.body().length));
		assertThat(r.header("Content-Security-Policy")).isEqualTo(LivePage.contentSecurityPolicy());
		assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
		assertThat(r.headers("Vary")).contains("Accept");
		assertThat(r.header("RateLimit")).as("/ is not rate-limited").isNull();
	}

	@ParameterizedTest(name = "Accept: {0}")
	@ValueSource(strings = {"", "*/*", "application/json", "text/html, application/json", "text/html;q=0.5, */*"})
	void everyoneElseGetsTheJsonList(String accept) {
		RawResponse r = accept.isEmpty() ? exchange("GET") : exchange("GET", "Accept: " + accept);

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.header("Content-Type")).isEqualTo("application/json");
		assertThat(r.json()).containsKey("endpoints");
		assertThat(r.headers("Vary")).contains("Accept");
		assertThat(r.header("Content-Security-Policy")).isNull();
	}

	@Test
	void anAcceptAllowingNeitherIsA406Problem() {
		RawResponse r = exchange("GET", "Accept: image/png");

		assertThat(r.status()).isEqualTo(406);
		assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
		assertThat(r.json()).containsEntry("type", "urn:gopherflux:problem:not-acceptable").containsEntry("instance", "/");
		assertThat(r.headers("Vary")).contains("Accept");
	}

	@Test
	void severalAcceptFieldsAreOneList() {
		RawResponse r = exchange("GET", "Accept: image/png", "Accept: text/html");

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.header("Content-Type")).startsWith("text/html");
	}

	@Test
	void theAnswerVariesByOriginAndByAccept() {
		RawResponse r = exchange("GET", "Accept: " + CHROMIUM, "Origin: " + ORIGIN);

		assertThat(r.status()).isEqualTo(200);
		assertThat(String.join(", ", r.headers("Vary"))).containsIgnoringCase("origin").contains("Accept");
		assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
	}

	static Stream<List<String>> requests() {
		return Stream.of(List.of("Accept: " + CHROMIUM), List.of("Accept: text/html"), List.of(), List.of("Accept: */*"),
				List.of("Accept: image/png"));
	}

	@ParameterizedTest
	@MethodSource("requests")
	void headHasTheHeaderFieldsOfGet(List<String> fields) {
		RawResponse get = exchange("GET", fields.toArray(String[]::new));
		RawResponse head = exchange("HEAD", fields.toArray(String[]::new));

		assertThat(head.status()).isEqualTo(get.status());
		for (String field : List.of("Content-Type", "Content-Length", "Vary", "Content-Security-Policy", "Cache-Control")) {
			assertThat(head.headers(field)).as(field).isEqualTo(get.headers(field));
		}
		assertThat(head.header("Content-Length")).isNotNull();
		assertThat(head.body()).isEmpty();
	}

	@Test
	void thePolicyAllowsExactlyTheInlineScriptAndStyle() throws Exception {
		String html = LivePage.html();
		String policy = LivePage.contentSecurityPolicy();

		assertThat(policy).startsWith("default-src 'none';")
				.contains("script-src " + hash(only("<script>(.*?)</script>", html)) + ";")
				.contains("style-src " + hash(only("<style>(.*?)</style>", html)) + ";")
				.contains("connect-src 'self'")
				.contains("frame-ancestors 'none'")
				.doesNotContain("unsafe");
	}

	@Test
	void thePageHasNoInlineHandlersAndLoadsNothingFromElsewhere() {
		String html = LivePage.html();

		assertThat(Pattern.compile("<[^>]*\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find())
				.as("an inline event handler, which the policy would block").isFalse();
		assertThat(html).doesNotContain("style=\"").doesNotContain(" src=").doesNotContain("innerHTML")
				.doesNotContain("eval(");
		assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://").doesNotContain("https://")
				.doesNotContain("//cdn");
		assertThat(html).contains("href=\"data:,\"");
	}

	@Test
	void thePageWatchesOnlyTheServersOwnEndpoints() {
		Matcher paths = Pattern.compile("'(/[a-z/]+)\\?").matcher(LivePage.html());
		List<String> found = new ArrayList<>();
		while (paths.find()) {
			found.add(paths.group(1));
		}

		assertThat(found).containsExactlyInAnyOrder("/streams/heartbeat", "/streams/ward", "/streams/integers",
				"/replicated");
	}

	private static String only(String regex, String text) {
		Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
		assertThat(m.find()).as(regex).isTrue();
		String content = m.group(1);
		assertThat(m.find()).as("a second " + regex).isFalse();
		return content;
	}

	private static String hash(String content) throws Exception {
		byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
		return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
	}

	@Test
	void theEndpointListIsUnchangedForClientsThatAskForJson() {
		Map<String, Object> json = exchange("GET", "Accept: application/json").json();

		assertThat((List<?>) json.get("endpoints")).hasSize(8);
	}
}
