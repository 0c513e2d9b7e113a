package io.gopherflux.server.internal.http;

import java.util.List;
import java.util.Objects;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import io.gopherflux.server.http.CorsConfig;

/**
 * Cross-origin access for browsers, as {@link CorsConfig} allows it. A response to an allowed
 * {@code Origin} names it in {@code Access-Control-Allow-Origin} and exposes the rate-limit
 * fields (a page's script can read {@code Content-Type} anyway, but not {@code RateLimit} unless
 * exposed); a disallowed or absent origin gets no CORS field at all, and the browser keeps the
 * response from the page. {@code OPTIONS} on an endpoint is answered 204 with {@code Allow}, plus
 * the preflight fields for an allowed origin. No credentials are involved: the API key is a
 * request header, which the preflight allows.
 */
public final class Cors {

	/** The methods every endpoint takes. */
	public static final String METHODS = "GET, HEAD";
	/** The {@code Allow} field of every endpoint. */
	public static final String ALLOW = "GET, HEAD, OPTIONS";
	/** The response fields a page may read besides the CORS-safelisted ones. */
	static final String EXPOSED = "RateLimit, RateLimit-Policy, Retry-After";
	/** The request fields a page may send: an API key, and those of {@code EventSource}. */
	static final String ALLOWED_HEADERS = "Accept, Last-Event-ID, X-Api-Key";
	/** How long a browser may cache a preflight, in seconds. */
	static final String MAX_AGE = "600";

	private final CorsConfig config;

	/** @param config the allowed origins */
	public Cors(CorsConfig config) {
		this.config = Objects.requireNonNull(config, "config");
	}

	/** Adds the CORS fields {@code request}'s origin is owed; call before anything is sent. */
	public void apply(HttpServerRequest request, HttpServerResponse response) {
		if (!config.enabled()) {
			return;
		}
		if (!config.anyOrigin()) {
			// The answer depends on Origin: a shared cache must not hand one origin's answer to another.
			response.addHeader(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
		}
		String origin = origin(request);
		if (config.allows(origin)) {
			response.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, config.anyOrigin() ? "*" : origin)
					.header(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
		}
	}

	/**
	 * Answers {@code OPTIONS}: 204 with {@code Allow}, and for a preflight from an allowed origin
	 * the methods and request fields it may use. Call after {@link #apply}.
	 */
	public Mono<Void> options(HttpServerRequest request, HttpServerResponse response) {
		response.status(HttpResponseStatus.NO_CONTENT).header(HttpHeaderNames.ALLOW, ALLOW);
		if (config.allows(origin(request)) && request.requestHeaders().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
			response.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, METHODS)
					.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
					.header(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE);
		}
		return response.chunkedTransfer(false).send().then();
	}

	/** The request's one {@code Origin}; null when it has none, or several (no browser sends two). */
	private static String origin(HttpServerRequest request) {
		List<String> origins = request.requestHeaders().getAll(HttpHeaderNames.ORIGIN);
		return origins.size() == 1 ? origins.get(0) : null;
	}
}
