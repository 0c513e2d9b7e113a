package io.gopherflux.server.internal.http;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the server's flags, environment and query parameters write them: {@code 250ms}, {@code 10s}, {@code 1m}, {@code 2h}. */
public final class Durations {

	private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

	private Durations() {
	}

	/**
	 * Parses a whole number followed by {@code ms}, {@code s}, {@code m} or {@code h}.
	 *
	 * @throws IllegalArgumentException if {@code text} is not such a duration
	 */
	public static Duration parse(String text) {
		Objects.requireNonNull(text, "text");
		Matcher m = DURATION.matcher(text.trim());
		if (!m.matches()) {
			throw new IllegalArgumentException("a duration is a whole number followed by ms, s, m or h "
					+ "(e.g. 250ms, 10s), was '" + text + "'");
		}
		long amount = Long.parseLong(m.group(1));
		return switch (m.group(2)) {
			case "ms" -> Duration.ofMillis(amount);
			case "s" -> Duration.ofSeconds(amount);
			case "m" -> Duration.ofMinutes(amount);
			default -> Duration.ofHours(amount);
		};
	}

	/** The shortest of the parseable forms that states {@code duration} exactly, else ISO-8601. */
	public static String format(Duration duration) {
		if (duration.toNanosPart() % 1_000_000 != 0 || duration.isNegative()) {
			return duration.toString();
		}
		long millis = duration.toMillis();
		if (millis % 1000 != 0) {
			return millis + "ms";
		}
		long seconds = duration.toSeconds();
		if (seconds % 3600 == 0 && seconds > 0) {
			return seconds / 3600 + "h";
		}
		if (seconds % 60 == 0 && seconds > 0) {
			return seconds / 60 + "m";
		}
		return seconds + "s";
	}
}
