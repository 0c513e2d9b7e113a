package io.gopherflux.server.internal.live;

import io.gopherflux.server.http.Problem;
import io.gopherflux.server.http.ProblemException;
import io.gopherflux.server.internal.http.MediaRanges;

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
		double[] html = MediaRanges.preference(accept, "text", "html");
		double[] json = MediaRanges.preference(accept, "application", "json");
		if (html[0] <= 0 && json[0] <= 0) {
			throw new ProblemException(Problem.of(406, "not-acceptable", "Not acceptable",
					"/ answers application/json or text/html; Accept allows neither: '" + accept + "'"));
		}
		if (html[0] != json[0]) {
			return html[0] > json[0] ? HTML : JSON;
		}
		return html[1] > json[1] ? HTML : JSON;
	}
}
