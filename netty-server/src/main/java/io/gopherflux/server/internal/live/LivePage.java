package io.gopherflux.server.internal.live;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gopherflux.server.internal.http.RequestHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The live page: one static HTML file (resource {@value #RESOURCE}, its script and style inline)
 * that watches the server's own streams from a browser. {@code /} serves it to a request that
 * prefers {@code text/html} ({@link IndexFormat}) and its JSON list to everyone else.
 * <p>
 * Everything the page needs comes in this one response, so it needs no other path. Its
 * {@code Content-Security-Policy} allows only that inline script and style, by their SHA-256
 * hashes computed when the page is loaded (no inline event handler, no other script, no
 * {@code eval}), network access only to this origin, and no framing.
 */
public final class LivePage {

	/** Where the page is, on the class path. */
	static final String RESOURCE = "/io/gopherflux/server/internal/live/live.html";

	private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);
	private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);
	private static final LivePage PAGE = load();

	private final byte[] html;
	private final String contentSecurityPolicy;

	private LivePage(byte[] html, String contentSecurityPolicy) {
		this.html = html;
		this.contentSecurityPolicy = contentSecurityPolicy;
	}

	/**
	 * Answers {@code GET /} or {@code HEAD /}: the live page when the request's {@code Accept}
	 * prefers {@code text/html}, else what {@code json} sends. Both vary by {@code Accept}, and so
	 * says the response.
	 *
	 * @param request  the request, whose {@code Accept} fields (all of them) are read
	 * @param response its response
	 * @param json     sends the JSON answer
	 * @throws io.gopherflux.server.http.ProblemException 406 when {@code Accept} allows neither
	 */
	public static Publisher<Void> orJson(HttpServerRequest request, HttpServerResponse response,
			Supplier<? extends Publisher<Void>> json) {
		Objects.requireNonNull(request, "request");
		Objects.requireNonNull(response, "response");
		Objects.requireNonNull(json, "json");
		// Added, not set: CORS may already vary by Origin. Set before negotiating, so a 406 says it too.
		response.addHeader(HttpHeaderNames.VARY, "Accept");
		IndexFormat format = IndexFormat.negotiate(RequestHeaders.list(request.requestHeaders(),
				HttpHeaderNames.ACCEPT.toString()));
		return format == IndexFormat.HTML ? PAGE.send(response) : json.get();
	}

	/** The page's {@code Content-Security-Policy}. */
	static String contentSecurityPolicy() {
		return PAGE.contentSecurityPolicy;
	}

	/** The page as served. */
	static String html() {
		return new String(PAGE.html, StandardCharsets.UTF_8);
	}

	private Mono<Void> send(HttpServerResponse response) {
		// Set here, not left to Reactor Netty, so that HEAD says it as GET does.
		return response.header(HttpHeaderNames.CONTENT_TYPE, IndexFormat.HTML.contentType())
				.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(html.length))
				.header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
				.header("Content-Security-Policy", contentSecurityPolicy)
				.header("X-Content-Type-Options", "nosniff")
				.header("Referrer-Policy", "no-referrer")
				.sendByteArray(Mono.just(html))
				.then();
	}

	/** Reads the page and hashes its one script and one style element. */
	static LivePage load() {
		String text;
		try (InputStream in = LivePage.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("the live page " + RESOURCE + " is missing from the class path");
			}
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		String csp = "default-src 'none'; script-src " + hash(only(SCRIPT, text)) + "; style-src "
				+ hash(only(STYLE, text)) + "; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
				+ "frame-ancestors 'none'; require-trusted-types-for 'script'";
		return new LivePage(text.getBytes(StandardCharsets.UTF_8), csp);
	}

	/** The content of the one element {@code pattern} matches; a page with none or several is a packaging bug. */
	private static String only(Pattern pattern, String text) {
		List<String> found = new ArrayList<>();
		Matcher m = pattern.matcher(text);
		while (m.find()) {
			found.add(m.group(1));
		}
		if (found.size() != 1) {
			throw new IllegalStateException(RESOURCE + " must have exactly one " + pattern.pattern() + ", has "
					+ found.size());
		}
		return found.get(0);
	}

	private static String hash(String content) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
			return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java platform has SHA-256", e);
		}
	}
}
