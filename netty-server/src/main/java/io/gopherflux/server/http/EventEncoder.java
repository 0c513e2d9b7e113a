package io.gopherflux.server.http;

import io.netty.buffer.ByteBuf;

/**
 * How a stream's element becomes an event: its SSE event name, its ID and its JSON object (one
 * line). The {@link StreamFormat} adds the framing. {@link Encoders} makes the usual ones: whole
 * numbers without allocating, and any record or POJO with Jackson.
 *
 * @param <T> the element type
 */
public interface EventEncoder<T> {

	/** What {@link #eventId} returns for an event without an ID. */
	long NO_ID = Long.MIN_VALUE;

	/**
	 * The SSE event name of {@code value}.
	 *
	 * @param value the element
	 * @return the name as ASCII bytes (no line break), or null for a plain data event
	 */
	byte[] eventName(T value);

	/**
	 * Writes {@code value}'s JSON, on one line.
	 *
	 * @param value the element
	 * @param out   where the stream's current write batch is collected
	 */
	void writeJson(T value, ByteBuf out);

	/**
	 * The event's ID as a whole number (SSE {@code id:}), from which a stream can be resumed.
	 *
	 * @param value the element
	 * @return its ID; {@link #NO_ID} for none, or to give it as {@link #eventIdText text}
	 */
	default long eventId(T value) {
		return NO_ID;
	}

	/**
	 * The event's ID as text, asked when {@link #eventId} gives {@link #NO_ID}.
	 *
	 * @param value the element
	 * @return its ID (without line breaks or NUL), or null for none
	 */
	default String eventIdText(T value) {
		return null;
	}

	/**
	 * Writes {@code value} as one whole event in {@code format}: by default
	 * {@link StreamFormat#begin begin} with its name and ID, {@link #writeJson}, then
	 * {@link StreamFormat#end end}. An encoder may keep the bytes back until {@link #finish}, which
	 * the stream calls on the same thread before {@code out} is sent and before it writes anything
	 * else into {@code out}; until then the stream writes nothing into {@code out} by other means.
	 *
	 * @param value  the element
	 * @param format the stream's framing
	 * @param out    where the stream's current write batch is collected
	 */
	default void writeEvent(T value, StreamFormat format, ByteBuf out) {
		long id = eventId(value);
		if (id != NO_ID) {
			format.begin(out, eventName(value), id);
		}
		else {
			format.begin(out, eventName(value), eventIdText(value));
		}
		writeJson(value, out);
		format.end(out);
	}

	/**
	 * Writes into {@code out} whatever {@link #writeEvent} kept back for it on this thread. The
	 * default writes what the {@link Encoders#wholeNumber whole-number encoders} kept back for
	 * {@code out} (they share one array per thread), so an encoder that hands its events to one of
	 * them needs no {@code finish} of its own; an encoder handing them to any other must call its
	 * {@code finish} here.
	 *
	 * @param out the write batch
	 */
	default void finish(ByteBuf out) {
		WholeNumberEncoder.finishHeld(out);
	}

	/**
	 * Events that are one JSON object ending in a whole number: {@code jsonPrefix} then the number
	 * then <code>}</code>, e.g. <code>{"value":</code> gives <code>{"value":42}</code>.
	 *
	 * @param eventName  the SSE event name, or null for plain data events
	 * @param jsonPrefix the object up to the number, ASCII
	 * @param <N>        the number type
	 * @return the encoder
	 */
	static <N extends Number> EventEncoder<N> wholeNumber(String eventName, String jsonPrefix) {
		return wholeNumber(eventName, jsonPrefix, false);
	}

	/**
	 * {@link #wholeNumber(String, String)} whose events, when {@code numberIsId}, carry the number
	 * as their ID too.
	 *
	 * @param eventName  the SSE event name, or null for plain data events
	 * @param jsonPrefix the object up to the number, ASCII
	 * @param numberIsId whether the number is also the event's ID
	 * @param <N>        the number type
	 * @return the encoder
	 */
	static <N extends Number> EventEncoder<N> wholeNumber(String eventName, String jsonPrefix, boolean numberIsId) {
		return new WholeNumberEncoder<>(eventName, jsonPrefix, numberIsId);
	}
}
