package io.gopherflux.server.internal.http;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;

import io.netty.handler.codec.http.HttpHeaders;
import io.gopherflux.server.http.ProblemException;

/**
 * Request header fields read strictly. A field that may occur once ({@code X-Api-Key},
 * {@code Last-Event-ID}) and is sent twice with different values is a 400 naming it: taking
 * the first, as a map lookup does, lets a client or a proxy in between make two parties read
 * the request differently. A list field ({@code Accept}) sent several times is one list, as
 * RFC 9110 (section 5.3) combines them.
 */
public final class RequestHeaders {

	private RequestHeaders() {
	}

	/**
	 * The value of a field that may occur once; repeats with the same value are tolerated.
	 *
	 * @return the value, or null when the field is absent
	 * @throws ProblemException (400) naming the field when it is sent with different values
	 */
	public static String single(HttpHeaders headers, String name) {
		Objects.requireNonNull(headers, "headers");
		Objects.requireNonNull(name, "name");
		// An iterator, not getAll's list: this runs for several fields per request. (It visits the
		// values latest first, which does not matter here; a list field's order does, see list().)
		Iterator<String> values = headers.valueStringIterator(name);
		if (!values.hasNext()) {
			return null;
		}
		String first = values.next();
		int count = 1;
		boolean differ = false;
		while (values.hasNext()) {
			count++;
			differ |= !values.next().equals(first);
		}
		if (differ) {
			throw ProblemException.badParameter(name, name + " is sent " + count
					+ " times with different values; send it once");
		}
		return first;
	}

	/**
	 * The value of a list field: every occurrence joined with commas, in order.
	 *
	 * @return the combined value, or null when the field is absent
	 */
	public static String list(HttpHeaders headers, String name) {
		Objects.requireNonNull(headers, "headers");
		Objects.requireNonNull(name, "name");
		List<String> values = headers.getAll(name);
		return values.isEmpty() ? null : String.join(", ", values);
	}
}
