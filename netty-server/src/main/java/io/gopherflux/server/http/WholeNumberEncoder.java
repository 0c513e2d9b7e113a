package io.gopherflux.server.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

import io.gopherflux.server.internal.http.Json;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Events that are one JSON object ending in a whole number, written into an array of the encoding
 * thread and copied into the batch when it is finished (or when the array is full): an element
 * then costs a few word stores into an array, where writing each fragment into the buffer costs its
 * bounds and reference-count checks. Everything before and after the number is one constant per
 * format.
 * <p>
 * Bytes held for a batch are written into it before the thread writes an event for another one; a
 * batch released meanwhile (its stream cancelled) loses them, as it loses its own bytes.
 *
 * @param <N> the number type
 */
final class WholeNumberEncoder<N extends Number> implements EventEncoder<N> {

	/**
	 * The size of a thread's array: a thousand events of the built-in integers, so that a batch of
	 * them is copied into its buffer once, rather than growing it (and copying it again) per piece.
	 */
	static final int HELD_BYTES = 32 * 1024;
	private static final VarHandle LITTLE_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
	/**
	 * One array per thread for every whole-number encoder: bytes belong to a batch, whichever
	 * encoder wrote them, and an encoder made per request costs no thread any memory.
	 */
	private static final FastThreadLocal<Held> HELD = new FastThreadLocal<>() {
		@Override
		protected Held initialValue() {
			return new Held();
		}
	};

	private final byte[] name;
	private final byte[] prefix;
	private final boolean numberIsId;
	/** NDJSON: the prefix; SSE: the event line (if named), {@code data: } and the prefix. */
	private final Words ndjsonHead;
	private final Words sseHead;
	/** SSE with the number as ID: the end of the {@code id:} line, then {@link #sseHead}. */
	private final Words sseAfterId;
	private final Words ndjsonTail;
	private final Words sseTail;
	private final Words idField;
	/** The most bytes one event takes in the array, the overhang of a word write included. */
	private final int maxEvent;

	WholeNumberEncoder(String eventName, String jsonPrefix, boolean numberIsId) {
		if (eventName != null) {
			StreamFormat.checkField("event name", eventName);
		}
		this.name = eventName == null ? null : Json.ascii(eventName);
		this.prefix = Json.ascii(Objects.requireNonNull(jsonPrefix, "jsonPrefix"));
		this.numberIsId = numberIsId;
		String eventLine = eventName == null ? "" : StreamFormat.EVENT_FIELD + eventName + "\n";
		this.ndjsonHead = new Words(prefix);
		this.sseHead = new Words(Json.ascii(eventLine + StreamFormat.DATA_FIELD + jsonPrefix));
		this.sseAfterId = new Words(Json.ascii("\n" + eventLine + StreamFormat.DATA_FIELD + jsonPrefix));
		this.ndjsonTail = new Words(Json.ascii("}\n"));
		this.sseTail = new Words(Json.ascii("}" + StreamFormat.END_SSE_EVENT));
		this.idField = new Words(Json.ascii(StreamFormat.ID_FIELD));
		this.maxEvent = idField.room() + Json.LONG_ROOM + sseAfterId.room() + Json.LONG_ROOM + sseTail.room();
		if (maxEvent > HELD_BYTES) {
			throw new IllegalArgumentException("an event of jsonPrefix and eventName must fit in " + HELD_BYTES
					+ " bytes; the longest would take " + maxEvent);
		}
	}

	@Override
	public byte[] eventName(N value) {
		return name;
	}

	@Override
	public void writeJson(N value, ByteBuf out) {
		long number = value.longValue();
		finish(out);
		Json.writeBytes(out, prefix);
		Json.writeLong(out, number);
		out.writeByte('}');
	}

	@Override
	public long eventId(N value) {
		return numberIsId ? value.longValue() : NO_ID;
	}

	@Override
	public void writeEvent(N value, StreamFormat format, ByteBuf out) {
		// Read before anything is written: a null element fails with nothing half written.
		long number = value.longValue();
		Held events = HELD.get();
		events.switchTo(out);
		if (HELD_BYTES - events.length < maxEvent) {
			events.writeOut();
			events.out = out;
		}
		byte[] bytes = events.bytes;
		int at = events.length;
		if (format == StreamFormat.NDJSON) {
			at = ndjsonHead.put(bytes, at);
			at = Json.writeLong(bytes, at, number);
			at = ndjsonTail.put(bytes, at);
		}
		else {
			// Long.MIN_VALUE is NO_ID: such an event has no ID, as eventId says.
			if (numberIsId && number != NO_ID) {
				at = idField.put(bytes, at);
				at = Json.writeLong(bytes, at, number);
				at = sseAfterId.put(bytes, at);
			}
			else {
				at = sseHead.put(bytes, at);
			}
			at = Json.writeLong(bytes, at, number);
			at = sseTail.put(bytes, at);
		}
		events.length = at;
	}

	/** Writes what this thread's array holds for {@code out} into it. */
	static void finishHeld(ByteBuf out) {
		Held events = HELD.getIfExists();
		if (events != null && events.out == out) {
			events.writeOut();
		}
	}

	/**
	 * A constant run of bytes as the little-endian words that hold it: put by word stores, where
	 * {@code System.arraycopy} of a few bytes costs a call. The last word's overhang is left past
	 * the run for the next write to overwrite.
	 */
	private static final class Words {

		final long[] words;
		final int length;

		Words(byte[] bytes) {
			this.length = bytes.length;
			this.words = new long[(bytes.length + Long.BYTES - 1) / Long.BYTES];
			for (int i = 0; i < bytes.length; i++) {
				words[i / Long.BYTES] |= (bytes[i] & 0xFFL) << (8 * (i % Long.BYTES));
			}
		}

		/** The bytes {@link #put} may touch. */
		int room() {
			return words.length * Long.BYTES;
		}

		int put(byte[] bytes, int at) {
			for (int i = 0; i < words.length; i++) {
				LITTLE_LONGS.set(bytes, at + i * Long.BYTES, words[i]);
			}
			return at + length;
		}
	}

	/** A thread's array and the batch its first {@code length} bytes belong to. */
	private static final class Held {

		final byte[] bytes = new byte[HELD_BYTES];
		int length;
		ByteBuf out;

		void switchTo(ByteBuf batch) {
			if (out != batch) {
				writeOut();
				out = batch;
			}
		}

		/** Copies the held bytes into their batch, unless it was released meanwhile. */
		void writeOut() {
			ByteBuf batch = out;
			int held = length;
			out = null;
			length = 0;
			if (batch != null && held > 0 && batch.refCnt() > 0) {
				batch.writeBytes(bytes, 0, held);
			}
		}
	}
}
