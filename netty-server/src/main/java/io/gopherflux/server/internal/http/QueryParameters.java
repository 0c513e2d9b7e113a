package io.gopherflux.server.internal.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.gopherflux.server.http.ProblemException;

/**
 * The query parameters of one request, read and validated in one place: every accessor either
 * returns a value within its bounds or throws a {@link ProblemException} (400) that names the
 * parameter and says what was expected. Parameters an endpoint does not know, and parameters
 * given twice, are refused too: a misspelt {@code cuont=5} should not be silently ignored. The
 * syntax is read strictly: only {@code &} separates parameters (a raw {@code ;} is refused, not
 * taken as a separator as some frameworks do), and numbers are plain decimals without padding.
 */
public final class QueryParameters {

	/** A decimal number: digits with an optional fraction and exponent; no hex, no suffix, no padding. */
	private static final Pattern DECIMAL = Pattern.compile("[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

	private final Map<String, List<String>> parameters;

	private QueryParameters(Map<String, List<String>> parameters) {
		this.parameters = parameters;
	}

	/**
	 * Parses the query of {@code uri}, accepting only the {@code known} names.
	 *
	 * @throws ProblemException naming an unknown or repeated parameter, or a malformed query
	 */
	public static QueryParameters parse(String uri, Set<String> known) {
		refuseSemicolons(uri);
		Map<String, List<String>> parameters;
		try {
			parameters = new QueryStringDecoder(uri).parameters();
		}
		catch (IllegalArgumentException e) {
			throw ProblemException.badParameter("query", "the query string is malformed: " + e.getMessage());
		}
		for (Map.Entry<String, List<String>> e : parameters.entrySet()) {
			if (!known.contains(e.getKey())) {
				throw ProblemException.badParameter(e.getKey(), "unknown parameter '" + e.getKey()
						+ "'; this endpoint takes " + (known.isEmpty() ? "none" : String.join(", ", known.stream().sorted().toList())));
			}
			if (e.getValue().size() > 1) {
				throw ProblemException.badParameter(e.getKey(), e.getKey() + " is given " + e.getValue().size()
						+ " times; give it once");
			}
		}
		return new QueryParameters(parameters);
	}

	/**
	 * A raw {@code ;} in the query is refused, naming the parameter it is in: read as a separator
	 * by one party and as part of a value by another, it would let two readers of the same URI
	 * disagree about its parameters.
	 */
	private static void refuseSemicolons(String uri) {
		int query = uri.indexOf('?');
		int semicolon = query < 0 ? -1 : uri.indexOf(';', query);
		if (semicolon < 0) {
			return;
		}
		int start = uri.lastIndexOf('&', semicolon) + 1;
		start = Math.max(start, query + 1);
		int equals = uri.indexOf('=', start);
		String name = equals < 0 || equals > semicolon ? "query" : decodedName(uri.substring(start, equals));
		throw ProblemException.badParameter(name, "';' does not separate query parameters here (in "
				+ (name.equals("query") ? "the query" : "parameter " + name) + "); separate them with '&', "
				+ "and write a ';' inside a value as %3B");
	}

	private static String decodedName(String raw) {
		try {
			return QueryStringDecoder.decodeComponent(raw);
		}
		catch (IllegalArgumentException e) {
			return "query";
		}
	}

	/** The raw value of {@code name}, or null when absent. */
	public String text(String name) {
		List<String> values = parameters.get(name);
		return values == null ? null : values.get(0);
	}

	/**
	 * An integer parameter.
	 *
	 * @throws ProblemException if it is not a whole number within [min, max]
	 */
	public long integer(String name, long defaultValue, long min, long max) {
		String value = text(name);
		if (value == null) {
			return defaultValue;
		}
		long parsed;
		try {
			if (!isWholeNumber(value)) {
				throw new NumberFormatException(value);
			}
			parsed = Long.parseLong(value);
		}
		catch (NumberFormatException e) {
			throw outOfRange(name, value, "a whole number from " + min + " to " + max);
		}
		if (parsed < min || parsed > max) {
			throw outOfRange(name, value, "a whole number from " + min + " to " + max);
		}
		return parsed;
	}

	/**
	 * A whole number as written in a query: an optional sign and ASCII digits, nothing else
	 * ({@code Long.parseLong} alone would take other scripts' digits). By hand, not by a regex:
	 * every stream request reads one.
	 */
	private static boolean isWholeNumber(String value) {
		int start = value.startsWith("+") || value.startsWith("-") ? 1 : 0;
		if (start == value.length()) {
			return false;
		}
		for (int i = start; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

	/**
	 * A duration parameter ({@code 250ms}, {@code 2s}, {@code 1m}).
	 *
	 * @throws ProblemException if it is not a duration within [min, max]
	 */
	public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
		String value = text(name);
		if (value == null) {
			return defaultValue;
		}
		String expected = "a duration from " + Durations.format(min) + " to " + Durations.format(max)
				+ ", written like 250ms, 2s or 1m";
		Duration parsed;
		try {
			if (!value.equals(value.strip())) {
				throw new IllegalArgumentException("padded");
			}
			parsed = Durations.parse(value);
		}
		catch (IllegalArgumentException e) {
			throw outOfRange(name, value, expected);
		}
		if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
			throw outOfRange(name, value, expected);
		}
		return parsed;
	}

	/**
	 * A positive number parameter, or {@code defaultValue} when absent.
	 *
	 * @throws ProblemException if it is not a finite number greater than zero and at most {@code max}
	 */
	public double positive(String name, double defaultValue, double max) {
		String value = text(name);
		if (value == null) {
			return defaultValue;
		}
		double parsed;
		try {
			if (!DECIMAL.matcher(value).matches()) {
				throw new NumberFormatException(value);
			}
			parsed = Double.parseDouble(value);
		}
		catch (NumberFormatException e) {
			throw outOfRange(name, value, "a number greater than 0 and at most " + max);
		}
		if (!(parsed > 0) || parsed > max || Double.isInfinite(parsed)) {
			throw outOfRange(name, value, "a number greater than 0 and at most " + max);
		}
		return parsed;
	}

	/**
	 * A decimal number parameter, or {@code defaultValue} when absent.
	 *
	 * @throws ProblemException if it is not a decimal number within [min, max]
	 */
	public double decimal(String name, double defaultValue, double min, double max) {
		String value = text(name);
		if (value == null) {
			return defaultValue;
		}
		String expected = "a number from " + min + " to " + max;
		try {
			String unsigned = value.startsWith("-") ? value.substring(1) : value;
			if (!DECIMAL.matcher(unsigned).matches()) {
				throw new NumberFormatException(value);
			}
			double parsed = Double.parseDouble(value);
			if (parsed >= min && parsed <= max) {
				return parsed;
			}
		}
		catch (NumberFormatException e) {
			// answered below
		}
		throw outOfRange(name, value, expected);
	}

	private static ProblemException outOfRange(String name, String value, String expected) {
		return ProblemException.badParameter(name, name + " must be " + expected + ", was '" + value + "'");
	}
}
