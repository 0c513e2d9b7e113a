package io.gopherflux.server.http;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The browser origins allowed to read the server's responses across origins (CORS): none, a list
 * of exact origins ({@code https://app.example.com}, {@code http://localhost:3000}), or any
 * origin ({@code *}). Configuration only; the routes apply it.
 *
 * @param origins   the allowed origins, lower case; empty when none or any
 * @param anyOrigin whether every origin is allowed
 */
public record CorsConfig(Set<String> origins, boolean anyOrigin) {

	/** {@code scheme://host[:port]}: what a browser sends as {@code Origin}, with no path. */
	private static final Pattern ORIGIN = Pattern.compile("[a-z][a-z0-9+.-]*://(\\[[0-9a-f:.]+\\]|[a-z0-9._~%!$&'()*+,;=-]+)(:[0-9]{1,5})?");

	/**
	 * Validates the origins and keeps them in lower case.
	 *
	 * @param origins   the allowed origins, each {@code scheme://host[:port]}; empty for none or any
	 * @param anyOrigin whether every origin is allowed; then {@code origins} must be empty
	 * @throws IllegalArgumentException naming an origin that is not {@code scheme://host[:port]}, or {@code *} among others
	 */
	public CorsConfig {
		Set<String> normalized = new LinkedHashSet<>();
		for (String origin : Objects.requireNonNull(origins, "origins")) {
			String lower = Objects.requireNonNull(origin, "origin").toLowerCase(Locale.ROOT);
			if (!ORIGIN.matcher(lower).matches()) {
				throw new IllegalArgumentException("a CORS origin is scheme://host or scheme://host:port, without a "
						+ "path or a trailing slash, was '" + origin + "'");
			}
			normalized.add(lower);
		}
		if (anyOrigin && !normalized.isEmpty()) {
			throw new IllegalArgumentException("'*' allows every origin; list no other with it");
		}
		origins = Set.copyOf(normalized);
	}

	/**
	 * No origin but the server's own: browsers on other origins cannot read its responses.
	 *
	 * @return the configuration that allows no other origin
	 */
	public static CorsConfig none() {
		return new CorsConfig(Set.of(), false);
	}

	/**
	 * Every origin.
	 *
	 * @return the configuration that allows any origin ({@code *})
	 */
	public static CorsConfig any() {
		return new CorsConfig(Set.of(), true);
	}

	/**
	 * Exactly these origins.
	 *
	 * @param origins the allowed origins, each {@code scheme://host[:port]}, in any case
	 * @return the configuration that allows them and no other
	 * @throws IllegalArgumentException naming a malformed origin
	 */
	public static CorsConfig of(String... origins) {
		return new CorsConfig(new LinkedHashSet<>(List.of(origins)), false);
	}

	/**
	 * Reads {@code *}, or origins separated by commas; blank means none.
	 *
	 * @param text the option's value, as given to {@code --cors-origins}
	 * @return the configuration it describes
	 * @throws IllegalArgumentException naming a malformed origin
	 */
	public static CorsConfig parse(String text) {
		Objects.requireNonNull(text, "text");
		Set<String> origins = new LinkedHashSet<>();
		boolean any = false;
		for (String part : text.split(",")) {
			String origin = part.trim();
			if (origin.equals("*")) {
				any = true;
			}
			else if (!origin.isEmpty()) {
				origins.add(origin);
			}
		}
		return new CorsConfig(origins, any);
	}

	/**
	 * Whether any origin at all is allowed.
	 *
	 * @return true when cross-origin responses must carry CORS header fields
	 */
	public boolean enabled() {
		return anyOrigin || !origins.isEmpty();
	}

	/**
	 * Whether a request with this {@code Origin} may read the response.
	 *
	 * @param origin the request's {@code Origin} header value, or null when it has none
	 * @return true when the origin is allowed (compared without regard to case)
	 */
	public boolean allows(String origin) {
		return origin != null && (anyOrigin || origins.contains(origin.toLowerCase(Locale.ROOT)));
	}

	@Override
	public String toString() {
		return anyOrigin ? "*" : origins.isEmpty() ? "none" : String.join(",", origins);
	}
}
