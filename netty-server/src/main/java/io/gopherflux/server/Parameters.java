package io.gopherflux.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import io.gopherflux.server.internal.http.QueryParameters;
import io.gopherflux.server.http.StreamFormat;
import io.gopherflux.server.internal.endpoints.Streaming;
import io.gopherflux.server.internal.http.Durations;

/**
 * The query parameters of one endpoint, each declared once with its type, default and range. The
 * declaration is the whole truth about them: a request's query is validated against it before the
 * request is admitted (a value out of range, an unknown or a repeated parameter is a 400
 * problem+json naming the parameter), {@code GET /} lists it, and a handler reads the values
 * already validated from its {@link Exchange}.
 * <p>
 * Every stream also takes {@code rate} (elements per second, lowered from the plan's cap) and
 * {@code format} ({@code sse} or {@code ndjson}): the routes builder declares them, a stream does not.
 * <pre>{@code
 * params -> params.summary("prices of one symbol")
 *                 .integer("count", 100, 1, 10_000)
 *                 .duration("every", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(1))
 * }</pre>
 * Instances are made by the routes builder and are not thread-safe until the routes are built.
 */
public final class Parameters {

	/** One declared parameter: how it reads a query and what {@code GET /} says of it. */
	record Declared(String name, String type, Object defaultValue, Object min, Object max, String description,
			Function<QueryParameters, Object> reader) {
	}

	private final Map<String, Declared> declared = new LinkedHashMap<>();
	private volatile Set<String> names;
	private String summary = "";

	Parameters() {
	}

	/**
	 * A line on what the endpoint does, for {@code GET /}.
	 *
	 * @param summary the line
	 * @return this declaration
	 */
	public Parameters summary(String summary) {
		this.summary = Objects.requireNonNull(summary, "summary");
		return this;
	}

	/**
	 * A whole-number parameter from {@code min} to {@code max}, {@code defaultValue} when absent.
	 *
	 * @param name         the parameter's name
	 * @param defaultValue its value when absent (need not be in range: {@code 0} may mean "none")
	 * @param min          the least value a client may give
	 * @param max          the greatest value a client may give
	 * @return this declaration
	 * @throws IllegalArgumentException if {@code min > max} or the name is declared twice
	 */
	public Parameters integer(String name, long defaultValue, long min, long max) {
		if (min > max) {
			throw new IllegalArgumentException("min " + min + " is greater than max " + max + " for " + name);
		}
		return add(new Declared(name, "integer", defaultValue, min, max, null, q -> q.integer(name, defaultValue, min, max)));
	}

	/**
	 * A whole-number parameter that, when absent, takes a value drawn afresh for each request (a
	 * random seed a client may pin to replay a stream).
	 *
	 * @param name the parameter's name
	 * @return this declaration
	 */
	public Parameters seed(String name) {
		return add(new Declared(name, "integer", null, Long.MIN_VALUE, Long.MAX_VALUE,
				"random unless given", q -> q.integer(name, System.nanoTime(), Long.MIN_VALUE, Long.MAX_VALUE)));
	}

	/**
	 * A decimal number parameter from {@code min} to {@code max} (no exponent-free limit on its
	 * digits, no hex, no padding).
	 *
	 * @param name         the parameter's name
	 * @param defaultValue its value when absent
	 * @param min          the least value a client may give
	 * @param max          the greatest value a client may give
	 * @return this declaration
	 * @throws IllegalArgumentException if {@code min > max} or either is not finite
	 */
	public Parameters number(String name, double defaultValue, double min, double max) {
		if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
			throw new IllegalArgumentException("min " + min + " and max " + max + " of " + name + " must be finite, min <= max");
		}
		return add(new Declared(name, "number", defaultValue, min, max, null, q -> q.decimal(name, defaultValue, min, max)));
	}

	/**
	 * A duration parameter ({@code 250ms}, {@code 2s}, {@code 1m}) from {@code min} to {@code max}.
	 *
	 * @param name         the parameter's name
	 * @param defaultValue its value when absent
	 * @param min          the shortest a client may give
	 * @param max          the longest a client may give
	 * @return this declaration
	 * @throws IllegalArgumentException if {@code min} is longer than {@code max}
	 */
	public Parameters duration(String name, Duration defaultValue, Duration min, Duration max) {
		Objects.requireNonNull(defaultValue, "defaultValue");
		Objects.requireNonNull(min, "min");
		Objects.requireNonNull(max, "max");
		if (min.compareTo(max) > 0) {
			throw new IllegalArgumentException("min " + min + " is longer than max " + max + " for " + name);
		}
		return add(new Declared(name, "duration", Durations.format(defaultValue), Durations.format(min),
				Durations.format(max), null, q -> q.duration(name, defaultValue, min, max)));
	}

	/**
	 * A parameter read as text, validated by the handler itself (which throws
	 * {@link io.gopherflux.server.http.ProblemException#badParameter} for a bad one): for values of
	 * more than one shape, like a duration or a percentile.
	 *
	 * @param name        the parameter's name
	 * @param description what it may be, for {@code GET /}
	 * @return this declaration
	 */
	public Parameters text(String name, String description) {
		Objects.requireNonNull(description, "description");
		return add(new Declared(name, "text", null, null, null, description, q -> q.text(name)));
	}

	/** The element rate every stream takes: a positive number, checked against the plan when the stream starts. */
	Parameters rate(double min, double max) {
		return add(new Declared(Exchange.RATE, "number", null, min, max,
				"elements per second, at most the plan's", Streaming::askedRate));
	}

	/** The stream format every stream takes; {@code Accept} decides when it is absent. */
	Parameters format() {
		return add(new Declared(Exchange.FORMAT, "text", null, null, null,
				"sse or ndjson; Accept decides when absent", q -> {
			String value = q.text(Exchange.FORMAT);
			return value == null ? null : StreamFormat.negotiate(value, null);
		}));
	}

	private Parameters add(Declared parameter) {
		Objects.requireNonNull(parameter.name(), "name");
		names = null;
		if (declared.putIfAbsent(parameter.name(), parameter) != null) {
			throw new IllegalArgumentException("parameter " + parameter.name() + " is declared twice");
		}
		return this;
	}

	/** The line on what the endpoint does. */
	String summary() {
		return summary;
	}

	/** The names declared, sorted; kept between calls, since every request asks. */
	Set<String> names() {
		Set<String> sorted = names;
		if (sorted == null) {
			names = sorted = Collections.unmodifiableSet(new TreeSet<>(declared.keySet()));
		}
		return sorted;
	}

	/**
	 * Reads every declared parameter of {@code query}: the values the handler will see.
	 *
	 * @throws io.gopherflux.server.http.ProblemException (400) naming the first bad parameter
	 */
	Map<String, Object> read(QueryParameters query) {
		Map<String, Object> values = new LinkedHashMap<>();
		for (Declared parameter : declared.values()) {
			values.put(parameter.name(), parameter.reader().apply(query));
		}
		return values;
	}

	/** What {@code GET /} says of each parameter: name, type, default and range. */
	List<Map<String, Object>> describe() {
		List<Map<String, Object>> all = new ArrayList<>();
		for (String name : names()) {
			Declared parameter = declared.get(name);
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("name", name);
			json.put("type", parameter.type());
			putIfPresent(json, "default", parameter.defaultValue());
			putIfPresent(json, "min", parameter.min());
			putIfPresent(json, "max", parameter.max());
			putIfPresent(json, "description", parameter.description());
			all.add(json);
		}
		return all;
	}

	private static void putIfPresent(Map<String, Object> json, String key, Object value) {
		if (value != null) {
			json.put(key, value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) d.longValue()
					: value);
		}
	}
}
