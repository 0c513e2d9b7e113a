package io.gopherflux.server.limit;

import io.gopherflux.server.internal.http.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.redis.Tier;

/**
 * One tier of a plan: at most {@code quota} requests per {@code window}, refilled continuously
 * (a token bucket holding {@code quota} tokens that refills in {@code window}). It is what the
 * {@code RateLimit-Policy} header field advertises as {@code "name";q=quota;w=seconds}.
 *
 * @param name   the policy name, as it appears in the header fields
 * @param quota  requests allowed per window, at least 1
 * @param window the window, a whole number of seconds, at least 1 s
 */
public record Quota(String name, int quota, Duration window) {

	private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
	private static final Pattern SPEC = Pattern.compile("([^:]+):(\\d{1,9})/(.+)");

	/**
	 * Validates the tier.
	 *
	 * @param name   the policy name: a lower-case letter, then up to 31 lower-case letters, digits or {@code -}
	 * @param quota  requests allowed per window, at least 1
	 * @param window the window, a whole number of seconds, at least 1 s
	 * @throws IllegalArgumentException naming the bad field
	 */
	public Quota {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(window, "window");
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("quota name must be lower-case letters, digits and '-', "
					+ "starting with a letter, at most 32 characters, was '" + name + "'");
		}
		if (quota < 1) {
			throw new IllegalArgumentException("quota of '" + name + "' must be at least 1, was " + quota);
		}
		if (window.isNegative() || window.toSeconds() < 1 || window.toNanosPart() != 0) {
			throw new IllegalArgumentException("window of '" + name
					+ "' must be a whole number of seconds, at least 1s, was " + Durations.format(window));
		}
	}

	/**
	 * Parses {@code name:quota/window}, e.g. {@code per-second:10/1s} or {@code per-minute:100/1m}.
	 *
	 * @param spec the tier as written in a {@code plan.NAME} option
	 * @return the quota it describes
	 * @throws IllegalArgumentException saying what is wrong with {@code spec}
	 */
	public static Quota parse(String spec) {
		Objects.requireNonNull(spec, "spec");
		Matcher m = SPEC.matcher(spec.trim());
		if (!m.matches()) {
			throw new IllegalArgumentException("a quota is name:count/window, e.g. per-second:10/1s, was '" + spec + "'");
		}
		return new Quota(m.group(1), Integer.parseInt(m.group(2)), Durations.parse(m.group(3)));
	}

	/**
	 * The window in seconds, as the header fields state it.
	 *
	 * @return the window's length in whole seconds
	 */
	public long windowSeconds() {
		return window.toSeconds();
	}

	/**
	 * The token bucket that enforces this quota: {@code quota} tokens, refilled over the window.
	 *
	 * @return the limiter tier of the same name
	 */
	public Tier tier() {
		return Tier.of(name, Limit.per(quota, window), quota);
	}

	@Override
	public String toString() {
		return name + ":" + quota + "/" + windowSeconds() + "s";
	}
}
