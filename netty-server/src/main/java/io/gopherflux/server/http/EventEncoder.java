package io.gopherflux.server.http;

import java.util.Objects;

import io.netty.buffer.ByteBuf;

/**
 * How a stream's element becomes an event: its SSE event name and its JSON object (one line). The
 * {@link StreamFormat} adds the framing.
 *
 * @param <T> the element type
 */
public interface EventEncoder<T> {

	/** What {@link #eventId} returns for an event without an ID. */
	long NO_ID = Long.MIN_VALUE;

	/** The SSE event name of {@code value} as ASCII bytes, or null for a plain data event. */
	byte[] eventName(T value);

	/** Writes {@code value}'s JSON object, on one line, into {@code out}. */
	void writeJson(T value, ByteBuf out);

	/** The event's ID (SSE {@code id:}), from which a stream can be resumed; {@link #NO_ID} for none. */
	default long eventId(T value) {
		return NO_ID;
	}

	/**
	 * Events that are one JSON object ending in a whole number: {@code jsonPrefix} then the number
	 * then {@code }}, e.g. {@code {"value":} gives {@code {"value":42}}.
	 *
	 * @param eventName  the SSE event name, or null for plain data events
	 * @param jsonPrefix the object up to the number, ASCII
	 */
	static <N extends Number> EventEncoder<N> wholeNumber(String eventName, String jsonPrefix) {
		return wholeNumber(eventName, jsonPrefix, false);
	}

	/**
	 * {@link #wholeNumber(String, String)} whose events, when {@code numberIsId}, carry the number
	 * as their ID too.
	 */
	static <N extends Number> EventEncoder<N> wholeNumber(String eventName, String jsonPrefix, boolean numberIsId) {
		byte[] name = eventName == null ? null : Json.ascii(eventName);
		byte[] prefix = Json.ascii(Objects.requireNonNull(jsonPrefix, "jsonPrefix"));
		return new EventEncoder<>() {
			@Override
			public byte[] eventName(N value) {
				return name;
			}

			@Override
			public void writeJson(N value, ByteBuf out) {
				out.writeBytes(prefix);
				Json.writeLong(out, value.longValue());
				out.writeByte('}');
			}

			@Override
			public long eventId(N value) {
				return numberIsId ? value.longValue() : NO_ID;
			}
		};
	}
}
