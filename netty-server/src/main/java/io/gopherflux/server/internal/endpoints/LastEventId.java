package io.gopherflux.server.internal.endpoints;

import io.gopherflux.server.http.ProblemException;

/**
 * The {@code Last-Event-ID} a reconnecting {@code EventSource} sends: the ID of the last event it
 * saw, which every stream's events carry as whole numbers from a first to a last one. A stream
 * resumes after it; a stream resumed after its last event has nothing more to send, and its
 * endpoint answers 204 (which, unlike an empty 200, stops an {@code EventSource} from reconnecting).
 * Read by every stream, whatever its format, so a non-browser client can resume the same way.
 */
final class LastEventId {

	/** The header field a reconnecting {@code EventSource} sends. */
	static final String HEADER = Streaming.LAST_EVENT_ID;

	private LastEventId() {
	}

	/**
	 * {@code text} as one of the IDs from {@code first} to {@code last}.
	 *
	 * @param text  the header field's value
	 * @param first the ID of the stream's first event
	 * @param last  the ID of its last event; less than {@code first} when it has none
	 * @return the ID
	 * @throws ProblemException (400) naming {@value #HEADER} when it is not the ID of one of the stream's events
	 */
	static long parse(String text, long first, long last) {
		long id;
		try {
			id = Long.parseLong(text);
		}
		catch (NumberFormatException e) {
			id = Long.MIN_VALUE;
		}
		if (last < first) {
			throw ProblemException.badParameter(HEADER, HEADER + " names an event of a stream that has none, was '"
					+ text + "'");
		}
		if (id < first || id > last) {
			throw ProblemException.badParameter(HEADER, HEADER + " must be the ID of an event of this stream, from "
					+ first + " to " + last + ", was '" + text + "'");
		}
		return id;
	}
}
