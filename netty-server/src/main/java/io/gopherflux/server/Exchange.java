package io.gopherflux.server;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.gopherflux.server.internal.http.QueryParameters;
import io.gopherflux.server.limit.Plan;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * One request as a handler sees it: its query already validated against the endpoint's
 * {@link Parameters}, its client identified and, on a stream, admitted under the client's plan.
 * A handler reads its parameters here by name; asking for a name the endpoint did not declare, or
 * as another type than declared, is a programming error ({@link IllegalArgumentException}).
 */
public final class Exchange {

	/** The element-rate parameter every stream takes. */
	public static final String RATE = "rate";
	/** The format parameter every stream takes. */
	public static final String FORMAT = "format";

	private final HttpServerRequest request;
	private final HttpServerResponse response;
	private final QueryParameters query;
	private final Map<String, Object> values;
	private final String client;
	private final Plan plan;

	Exchange(HttpServerRequest request, HttpServerResponse response, QueryParameters query, Map<String, Object> values,
			String client, Plan plan) {
		this.request = Objects.requireNonNull(request, "request");
		this.response = Objects.requireNonNull(response, "response");
		this.query = Objects.requireNonNull(query, "query");
		this.values = Objects.requireNonNull(values, "values");
		this.client = Objects.requireNonNull(client, "client");
		this.plan = Objects.requireNonNull(plan, "plan");
	}

	/**
	 * The request.
	 *
	 * @return the Reactor Netty request being handled
	 */
	public HttpServerRequest request() {
		return request;
	}

	/**
	 * The response, with the rate-limit header fields already set on a stream.
	 *
	 * @return the Reactor Netty response the handler writes to
	 */
	public HttpServerResponse response() {
		return response;
	}

	/**
	 * Who the request counts against.
	 *
	 * @return the client's identity, {@code key:...} or {@code ip:...}
	 */
	public String client() {
		return client;
	}

	/**
	 * The client's plan.
	 *
	 * @return the plan the request was admitted under
	 */
	public Plan plan() {
		return plan;
	}

	/**
	 * A declared whole-number parameter ({@link Parameters#integer} or {@link Parameters#seed}).
	 *
	 * @param name the parameter's name
	 * @return its value, or its default when the request gave none
	 */
	public long integer(String name) {
		return value(name, Long.class);
	}

	/**
	 * A declared number parameter ({@link Parameters#number}, or a stream's {@code rate}, which is
	 * infinite when the client asks for none).
	 *
	 * @param name the parameter's name
	 * @return its value, or its default when the request gave none
	 */
	public double number(String name) {
		return value(name, Double.class);
	}

	/**
	 * A declared duration parameter ({@link Parameters#duration}).
	 *
	 * @param name the parameter's name
	 * @return its value, or its default when the request gave none
	 */
	public Duration duration(String name) {
		return value(name, Duration.class);
	}

	/**
	 * A declared text parameter ({@link Parameters#text}), or any declared parameter as the client wrote it.
	 *
	 * @param name the parameter's name
	 * @return its raw value, or null when the request gave none
	 */
	public String text(String name) {
		declared(name);
		return query.text(name);
	}

	private <V> V value(String name, Class<V> type) {
		Object value = values.get(declared(name));
		if (!type.isInstance(value)) {
			throw new IllegalArgumentException("parameter " + name + " is not declared as a " + type.getSimpleName());
		}
		return type.cast(value);
	}

	private String declared(String name) {
		if (!values.containsKey(Objects.requireNonNull(name, "name"))) {
			throw new IllegalArgumentException("parameter " + name + " is not declared by this endpoint");
		}
		return name;
	}
}
