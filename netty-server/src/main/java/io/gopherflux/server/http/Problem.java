package io.gopherflux.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import io.gopherflux.server.internal.http.Json;

/**
 * An RFC 9457 problem detail: what every error response of the server carries, as
 * {@code application/problem+json}. The {@code type} is a URN naming the kind of problem
 * ({@code urn:gopherflux:problem:bad-parameter}); extension members (the offending parameter, the
 * log ID of a server error, the seconds to wait) follow the standard members.
 *
 * @param status     the HTTP status
 * @param kind       the last part of the type URN, e.g. {@code bad-parameter}
 * @param title      a short summary that is the same for every problem of this kind
 * @param detail     what happened this time, for a person
 * @param extensions extra members, in order
 */
public record Problem(int status, String kind, String title, String detail, Map<String, Object> extensions) {

	/** The media type of the body. */
	public static final String MEDIA_TYPE = "application/problem+json";
	/** Where the kinds are named. */
	public static final String TYPE_PREFIX = "urn:gopherflux:problem:";

	/**
	 * Copies the extension members, keeping their order.
	 *
	 * @param status     the HTTP status
	 * @param kind       the last part of the type URN, e.g. {@code bad-parameter}
	 * @param title      a short summary that is the same for every problem of this kind
	 * @param detail     what happened this time, for a person
	 * @param extensions extra members, in order
	 * @throws NullPointerException if an argument is null
	 */
	public Problem {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(title, "title");
		Objects.requireNonNull(detail, "detail");
		extensions = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(extensions, "extensions")));
	}

	/**
	 * A problem without extension members.
	 *
	 * @param status the HTTP status
	 * @param kind   the last part of the type URN, e.g. {@code bad-parameter}
	 * @param title  a short summary that is the same for every problem of this kind
	 * @param detail what happened this time, for a person
	 * @return the problem
	 */
	public static Problem of(int status, String kind, String title, String detail) {
		return new Problem(status, kind, title, detail, Map.of());
	}

	/**
	 * A 400 naming the query parameter or header that is wrong.
	 *
	 * @param parameter the name of the wrong parameter or header, sent as the {@code parameter} member
	 * @param detail    what is wrong with it, for a person
	 * @return a {@code bad-parameter} problem
	 */
	public static Problem badParameter(String parameter, String detail) {
		return new Problem(400, "bad-parameter", "Bad request parameter", detail, Map.of("parameter", parameter));
	}

	/**
	 * The same problem with one more extension member.
	 *
	 * @param member the member's name; an extension of that name already present is replaced
	 * @param value  the member's value, written as JSON
	 * @return a copy with the member added last
	 */
	public Problem with(String member, Object value) {
		Map<String, Object> more = new LinkedHashMap<>(extensions);
		more.put(member, value);
		return new Problem(status, kind, title, detail, more);
	}

	/**
	 * The type URI.
	 *
	 * @return {@link #TYPE_PREFIX} followed by the kind
	 */
	public String type() {
		return TYPE_PREFIX + kind;
	}

	/**
	 * The body, with {@code instance} set to the request path. An extension member named like a
	 * standard member does not replace it.
	 *
	 * @param instance the request path, or null to leave the {@code instance} member out
	 * @return the problem as a JSON object
	 */
	public String toJson(String instance) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", type());
		body.put("title", title);
		body.put("status", status);
		body.put("detail", detail);
		if (instance != null) {
			body.put("instance", instance);
		}
		extensions.forEach(body::putIfAbsent);
		return Json.write(body);
	}

	/**
	 * Sends this problem as the whole response (status, content type, body) and ends it.
	 *
	 * @param response the response, not yet sent
	 * @param instance the request path, or null to leave the {@code instance} member out
	 * @return completes when the response is written
	 */
	public Mono<Void> send(HttpServerResponse response, String instance) {
		byte[] body = toJson(instance).getBytes(StandardCharsets.UTF_8);
		return response.status(HttpResponseStatus.valueOf(status))
				.header(HttpHeaderNames.CONTENT_TYPE, MEDIA_TYPE)
				.header(HttpHeaderNames.CACHE_CONTROL, "no-store")
				.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
				.sendByteArray(Mono.just(body))
				.then();
	}
}
