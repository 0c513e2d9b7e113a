package io.gopherflux.server.internal.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

import io.netty.buffer.ByteBuf;

/**
 * The little JSON the server writes: objects of strings, numbers, booleans, lists and nested
 * maps, rendered to text or straight into a {@link ByteBuf} without intermediate strings for
 * numbers (the streams write millions of them).
 */
public final class Json {

	/** The room {@link #writeLong(byte[], int, long)} needs: a sign, 19 digits and a word's overhang. */
	public static final int LONG_ROOM = 1 + 19 + Long.BYTES;

	private static final long EIGHT_DIGITS = 100_000_000L;
	/** The longest run {@link #writeBytes(ByteBuf, byte[])} copies by words rather than by {@code ByteBuf.writeBytes}. */
	static final int SHORT_RUN = 128;
	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
	private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
	private static final VarHandle LITTLE_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
	private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

	private Json() {
	}

	/** {@code value} as JSON text: maps become objects (keys in iteration order), iterables arrays. */
	public static String write(Object value) {
		StringBuilder out = new StringBuilder(64);
		append(out, value);
		return out.toString();
	}

	/** Appends {@code value} as JSON to {@code out}. */
	public static void append(StringBuilder out, Object value) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof CharSequence s) {
			quote(out, s);
		}
		else if ((value instanceof Double || value instanceof Float) && !Double.isFinite(((Number) value).doubleValue())) {
			out.append("null");
		}
		else if (value instanceof Number || value instanceof Boolean) {
			out.append(value);
		}
		else if (value instanceof Map<?, ?> map) {
			out.append('{');
			Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
			while (it.hasNext()) {
				Map.Entry<?, ?> e = it.next();
				quote(out, String.valueOf(e.getKey()));
				out.append(':');
				append(out, e.getValue());
				if (it.hasNext()) {
					out.append(',');
				}
			}
			out.append('}');
		}
		else if (value instanceof Iterable<?> list) {
			out.append('[');
			Iterator<?> it = list.iterator();
			while (it.hasNext()) {
				append(out, it.next());
				if (it.hasNext()) {
					out.append(',');
				}
			}
			out.append(']');
		}
		else {
			quote(out, value.toString());
		}
	}

	/** Appends {@code s} as a JSON string, escaping quotes, backslashes and control characters. */
	public static void quote(StringBuilder out, CharSequence s) {
		out.append('"');
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20 || c == 0x2028 || c == 0x2029) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

	/**
	 * Writes {@code bytes} into {@code out}. A short run is copied eight bytes at a time:
	 * {@code ByteBuf.writeBytes(byte[])} on Netty's adaptive buffers goes through an NIO buffer per
	 * call, which costs more than the copy itself for the few bytes of an event's fields.
	 */
	public static void writeBytes(ByteBuf out, byte[] bytes) {
		writeBytes(out, bytes, 0, bytes.length);
	}

	/** Writes {@code length} bytes of {@code bytes} from {@code offset} into {@code out}, as {@link #writeBytes(ByteBuf, byte[])}. */
	public static void writeBytes(ByteBuf out, byte[] bytes, int offset, int length) {
		if (length > SHORT_RUN) {
			out.writeBytes(bytes, offset, length);
			return;
		}
		Objects.checkFromIndexSize(offset, length, bytes.length);
		out.ensureWritable(length);
		int at = out.writerIndex();
		int i = 0;
		for (; i + Long.BYTES <= length; i += Long.BYTES) {
			out.setLong(at + i, (long) LONGS.get(bytes, offset + i));
		}
		if (i + Integer.BYTES <= length) {
			out.setInt(at + i, (int) INTS.get(bytes, offset + i));
			i += Integer.BYTES;
		}
		for (; i < length; i++) {
			out.setByte(at + i, bytes[offset + i]);
		}
		out.writerIndex(at + length);
	}

	/** Writes {@code value} in decimal ASCII into {@code out}, without allocating. */
	public static void writeLong(ByteBuf out, long value) {
		if (value == Long.MIN_VALUE) {
			out.writeBytes(MIN_LONG);
			return;
		}
		if (value < 0) {
			out.writeByte('-');
			value = -value;
		}
		if (value >= EIGHT_DIGITS) {
			long high = value / EIGHT_DIGITS;
			if (high >= EIGHT_DIGITS) {
				writeUpToEightDigits(out, high / EIGHT_DIGITS, false);
				high %= EIGHT_DIGITS;
				writeUpToEightDigits(out, high, true);
			}
			else {
				writeUpToEightDigits(out, high, false);
			}
			writeUpToEightDigits(out, value % EIGHT_DIGITS, true);
			return;
		}
		writeUpToEightDigits(out, value, false);
	}

	/**
	 * Writes {@code value} (below 10^8) as its digits, or as exactly eight with leading zeros when
	 * {@code padded}: packed into one long and written in one call, where there is room for eight
	 * bytes (the bytes past the digits are left beyond the writer index), else byte by byte.
	 */
	private static void writeUpToEightDigits(ByteBuf out, long value, boolean padded) {
		long packed = packDigits(value, padded);
		int digits = packedLength(packed);
		if (out.maxWritableBytes() >= Long.BYTES) {
			out.ensureWritable(Long.BYTES);
			int at = out.writerIndex();
			out.setLongLE(at, packed);
			out.writerIndex(at + digits);
		}
		else {
			for (int i = 0; i < digits; i++) {
				out.writeByte((int) (packed >>> (8 * i)));
			}
		}
	}

	/**
	 * Writes {@code value}'s digits into {@code bytes} at {@code at}, as {@link #writeLong(ByteBuf, long)}
	 * does into a buffer, and returns the index after them. Eight-byte words are written, so the
	 * array must have {@value #LONG_ROOM} bytes of room from {@code at}; those past the digits are
	 * left for the caller to overwrite.
	 *
	 * @throws IndexOutOfBoundsException if there is less room
	 */
	public static int writeLong(byte[] bytes, int at, long value) {
		Objects.checkFromIndexSize(at, LONG_ROOM, bytes.length);
		if (value == Long.MIN_VALUE) {
			System.arraycopy(MIN_LONG, 0, bytes, at, MIN_LONG.length);
			return at + MIN_LONG.length;
		}
		if (value < 0) {
			bytes[at++] = '-';
			value = -value;
		}
		if (value >= EIGHT_DIGITS) {
			long high = value / EIGHT_DIGITS;
			if (high >= EIGHT_DIGITS) {
				at = putDigits(bytes, at, packDigits(high / EIGHT_DIGITS, false));
				high %= EIGHT_DIGITS;
				at = putDigits(bytes, at, packDigits(high, true));
			}
			else {
				at = putDigits(bytes, at, packDigits(high, false));
			}
			return putDigits(bytes, at, packDigits(value % EIGHT_DIGITS, true));
		}
		return putDigits(bytes, at, packDigits(value, false));
	}

	private static int putDigits(byte[] bytes, int at, long packed) {
		LITTLE_LONGS.set(bytes, at, packed);
		return at + packedLength(packed);
	}

	/**
	 * {@code value}'s digits (below 10^8), eight with leading zeros when {@code padded}, as ASCII
	 * bytes in one long, the most significant digit in the lowest byte: first on the wire when the
	 * long is written little-endian.
	 */
	private static long packDigits(long value, boolean padded) {
		long packed = 0;
		int digits = 0;
		do {
			packed = (packed << 8) | ('0' + value % 10);
			value /= 10;
			digits++;
		}
		while (value != 0 || (padded && digits < 8));
		return packed;
	}

	/** How many digits {@link #packDigits} packed: an ASCII digit is never a zero byte. */
	private static int packedLength(long packed) {
		return (Long.SIZE + 7 - Long.numberOfLeadingZeros(packed)) / Byte.SIZE;
	}

	/** {@code text} as US-ASCII bytes, for the constant fragments the encoders write. */
	public static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}
}
