package io.gopherflux.server.internal.live;

import java.util.Locale;

import io.gopherflux.server.http.Problem;
import io.gopherflux.server.http.ProblemException;

/**
 * What {@code GET /} answers with: the JSON list of endpoints, or the live page for a browser.
 * Chosen by the request's {@code Accept} field, read as the streams read theirs: leniently (empty
 * elements and ranges that are not {@code type/subtype} are ignored), by quality first, then by
 * how specific the matching range is. JSON is the answer unless {@code text/html} is strictly
 * preferred, so {@code curl}'s {@code *}{@code /*}, no {@code Accept} at all, and a tie such as
 * {@code application/json, text/html} all get JSON; a browser's navigation
 * ({@code text/html,...,*}{@code /*;q=0.8}) gets the page.
 */
public enum IndexFormat {

	/** {@code application/json}: the endpoint list. */
	JSON("application/json"),
	/** {@code text/html}: the live page. */
	HTML("text/html; charset=utf-8");

	private final String contentType;

	IndexFormat(String contentType) {
		this.contentType = contentType;
	}

	/** The response's {@code Content-Type}. */
	public String contentType() {
		return contentType;
	}

	/**
	 * The format {@code accept} asks for.
	 *
	 * @param accept the request's {@code Accept} fields as one list, or null when it has none
	 * @throws ProblemException 406 when {@code accept} allows neither {@code application/json} nor {@code text/html}
	 */
	public static IndexFormat negotiate(String accept) {
		if (accept == null || accept.replace(',', ' ').isBlank()) {
			return JSON;
		}
		double[] html = preference(accept, "text", "html");
		double[] json = preference(accept, "application", "json");
		if (html[0] <= 0 && json[0] <= 0) {
			throw new ProblemException(Problem.of(406, "not-acceptable", "Not acceptable",
					"/ answers application/json or text/html; Accept allows neither: '" + accept + "'"));
		}
		if (html[0] != json[0]) {
			return html[0] > json[0] ? HTML : JSON;
		}
		return html[1] > json[1] ? HTML : JSON;
	}

	/** {quality, specificity} of the most specific range of {@code accept} that matches the type; quality 0 if none. */
	private static double[] preference(String accept, String type, String subtype) {
		double quality = 0;
		int specificity = -1;
		for (String range : accept.split(",")) {
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
