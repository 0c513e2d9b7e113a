package io.gopherflux.server.http;

import io.netty.buffer.ByteBuf;

/**
 * How a stream's element becomes an event: its SSE event name and its JSON object (one line). The
 * {@link StreamFormat} adds the framing.
 *
 * @param <T> the element type
 */
public interface EventEncoder<T> {

	/** The SSE event name of {@code value} as ASCII bytes, or null for a plain data event. */
	byte[] eventName(T value);

	/** Writes {@code value}'s JSON object, on one line, into {@code out}. */
	void writeJson(T value, ByteBuf out);
}
