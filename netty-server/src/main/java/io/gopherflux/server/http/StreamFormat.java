package io.gopherflux.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.gopherflux.server.internal.http.Json;
import io.gopherflux.server.internal.http.MediaRanges;

/**
 * How a stream is framed on the wire: Server-Sent Events or newline-delimited JSON. Every element
 * is a JSON object; its event name (SSE {@code event:}) is also its {@code "type"} member, so both
 * formats carry the same information.
 */
public enum StreamFormat {

	/** {@code text/event-stream}: {@code event: <type>} (when not a plain data element), {@code data: <json>}, blank line. */
	SSE("text/event-stream", "sse"),
	/** {@code application/x-ndjson}: one JSON object per line. */
	NDJSON("application/x-ndjson", "ndjson");

	// The SSE field prefixes and event end, as text for encoders that frame events themselves.
	static final String ID_FIELD = "id: ";
	static final String EVENT_FIELD = "event: ";
	static final String DATA_FIELD = "data: ";
	static final String END_SSE_EVENT = "\n\n";

	private static final byte[] ID = Json.ascii(ID_FIELD);
	private static final byte[] EVENT = Json.ascii(EVENT_FIELD);
	private static final byte[] DATA = Json.ascii(DATA_FIELD);
	private static final byte[] END_EVENT = Json.ascii(END_SSE_EVENT);

	private final String mediaType;
	private final String parameterValue;

	StreamFormat(String mediaType, String parameterValue) {
		this.mediaType = mediaType;
		this.parameterValue = parameterValue;
	}

	/**
	 * The response's content type.
	 *
	 * @return the media type, e.g. {@code text/event-stream}
	 */
	public String mediaType() {
		return mediaType;
	}

	/**
	 * The value of {@code ?format=} that selects this format.
	 *
	 * @return {@code sse} or {@code ndjson}
	 */
	public String parameterValue() {
		return parameterValue;
	}

	/**
	 * Starts an element: for SSE its event line (if named) and the {@code data: } prefix.
	 *
	 * @param out       the batch the element is written to
	 * @param eventName the event name as ASCII bytes, or null for a plain data element
	 */
	public void begin(ByteBuf out, byte[] eventName) {
		begin(out, eventName, EventEncoder.NO_ID);
	}

	/**
	 * Starts an element with an event ID: for SSE an {@code id:} line, which a reconnecting
	 * {@code EventSource} sends back as {@code Last-Event-ID}; NDJSON has no place for it.
	 *
	 * @param out       the batch the element is written to
	 * @param eventName the event name as ASCII bytes, or null for a plain data element
	 * @param id        the event's ID, or {@link EventEncoder#NO_ID} for none
	 */
	public void begin(ByteBuf out, byte[] eventName, long id) {
		if (this == SSE && id != EventEncoder.NO_ID) {
			Json.writeBytes(out, ID);
			Json.writeLong(out, id);
			out.writeByte('\n');
		}
		if (this == SSE) {
			if (eventName != null) {
				Json.writeBytes(out, EVENT);
				Json.writeBytes(out, eventName);
				out.writeByte('\n');
			}
			Json.writeBytes(out, DATA);
		}
	}

	/**
	 * Starts an element with a textual event ID ({@code null} for none).
	 *
	 * @param out       the batch
	 * @param eventName the event name, or null
	 * @param id        the event's ID, or null
	 * @throws IllegalArgumentException if the ID holds a line break or NUL, which would end the field
	 */
	public void begin(ByteBuf out, byte[] eventName, String id) {
		if (this == SSE && id != null) {
			checkEventId(id);
			Json.writeBytes(out, ID);
			out.writeCharSequence(id, StandardCharsets.UTF_8);
			out.writeByte('\n');
		}
		begin(out, eventName, EventEncoder.NO_ID);
	}

	/** Refuses an SSE event ID that would end its field early. */
	static void checkEventId(String id) {
		checkField("event ID", id);
	}

	/** Refuses a value of an SSE field ({@code what}) that would end the field early. */
	static void checkField(String what, String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '\n' || c == '\r' || c == 0) {
				throw new IllegalArgumentException("an " + what + " may not hold a line break or NUL: '" + value + "'");
			}
		}
	}

	/**
	 * Ends an element begun with {@link #begin}: a blank line for SSE, a newline for NDJSON.
	 *
	 * @param out the batch the element is written to
	 */
	public void end(ByteBuf out) {
		if (this == SSE) {
			Json.writeBytes(out, END_EVENT);
		}
		else {
			out.writeByte('\n');
		}
	}

	/**
	 * The format a request asks for: {@code ?format=} if given, else the {@code Accept} header
	 * field's preferred one of the two media types (a wildcard or no field means NDJSON). The field
	 * is read leniently, as RFC 9110 asks of list fields: empty elements and media ranges that are
	 * not {@code type/subtype} are ignored (an {@code Accept} made only of empty elements counts as
	 * absent; one made only of malformed ranges allows neither type).
	 *
	 * @param formatParameter the {@code format} query parameter, or null
	 * @param accept          the {@code Accept} header field, or null
	 * @return the format to stream in
	 * @throws ProblemException 400 for an unknown {@code format}, 406 when {@code Accept} allows neither type
	 */
	public static StreamFormat negotiate(String formatParameter, String accept) {
		if (formatParameter != null) {
			String value = formatParameter.toLowerCase(Locale.ROOT);
			for (StreamFormat format : values()) {
				if (format.parameterValue.equals(value)) {
					return format;
				}
			}
			throw ProblemException.badParameter("format", "format must be 'sse' or 'ndjson', was '" + formatParameter + "'");
		}
		if (accept == null || accept.replace(',', ' ').isBlank()) {
			return NDJSON;
		}
		double[] sse = MediaRanges.preference(accept, "text", "event-stream");
		double[] ndjson = MediaRanges.preference(accept, "application", "x-ndjson");
		if (sse[0] <= 0 && ndjson[0] <= 0) {
			throw new ProblemException(Problem.of(406, "not-acceptable", "Not acceptable",
					"this endpoint streams text/event-stream or application/x-ndjson; Accept allows neither: '"
							+ accept + "'"));
		}
		if (sse[0] != ndjson[0]) {
			return sse[0] > ndjson[0] ? SSE : NDJSON;
		}
		return sse[1] > ndjson[1] ? SSE : NDJSON;
	}
}
