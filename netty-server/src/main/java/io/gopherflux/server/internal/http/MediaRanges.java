package io.gopherflux.server.internal.http;

import java.util.Locale;

/**
 * Reads an {@code Accept} value leniently, for the server's two choices of representation (a
 * stream's format, the index's page or list): a range that is not {@code type/subtype} is skipped,
 * a weight that is not a number from 0 to 1 counts as 1.
 */
public final class MediaRanges {

	private MediaRanges() {
	}

	/**
	 * How much {@code accept} wants {@code type/subtype}: the quality of the most specific range
	 * that matches it ({@code type/subtype}, then {@code type/*}, then {@code *}{@code /*}), and that
	 * specificity (2, 1, 0).
	 *
	 * @param accept  the Accept value, ranges separated by commas
	 * @param type    the media type, lower case
	 * @param subtype the media subtype, lower case
	 * @return {quality, specificity}; quality 0 and specificity -1 when no range matches
	 */
	public static double[] preference(String accept, String type, String subtype) {
		double quality = 0;
		int specificity = -1;
		for (String range : accept.split(",")) {
			// A limit of -1 keeps empty parts: ";".split(";") would be an empty array.
			String[] parts = range.split(";", -1);
			String[] media = parts[0].trim().toLowerCase(Locale.ROOT).split("/", 2);
			if (media.length != 2) {
				continue;
			}
			int matched;
			if (media[0].equals(type) && media[1].equals(subtype)) {
				matched = 2;
			}
			else if (media[0].equals(type) && media[1].equals("*")) {
				matched = 1;
			}
			else if (media[0].equals("*") && media[1].equals("*")) {
				matched = 0;
			}
			else {
				continue;
			}
			if (matched > specificity) {
				specificity = matched;
				quality = quality(parts);
			}
		}
		return new double[] {quality, specificity};
	}

	private static double quality(String[] parts) {
		for (int i = 1; i < parts.length; i++) {
			String p = parts[i].trim();
			// ABNF literals are case-insensitive: "Q=0.5" is a weight too (RFC 9110 §12.4.2).
			if (p.regionMatches(true, 0, "q=", 0, 2)) {
				try {
					double q = Double.parseDouble(p.substring(2));
					return q >= 0 && q <= 1 ? q : 1;
				}
				catch (NumberFormatException e) {
					return 1;
				}
			}
		}
		return 1;
	}
}
