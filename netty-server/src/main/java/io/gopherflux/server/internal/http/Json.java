package io.gopherflux.server.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

import io.netty.buffer.ByteBuf;

/**
 * The little JSON the server writes: objects of strings, numbers, booleans, lists and nested
 * maps, rendered to text or straight into a {@link ByteBuf} without intermediate strings for
 * numbers (the streams write millions of them).
 */
public final class Json {

	private static final byte[] DIGITS = "0123456789".getBytes(StandardCharsets.US_ASCII);
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
		int digits = 1;
		for (long v = value; v >= 10; v /= 10) {
			digits++;
		}
		out.ensureWritable(digits);
		int end = out.writerIndex() + digits;
		for (int i = end - 1; i >= out.writerIndex(); i--) {
			out.setByte(i, DIGITS[(int) (value % 10)]);
			value /= 10;
		}
		out.writerIndex(end);
	}

	/** {@code text} as US-ASCII bytes, for the constant fragments the encoders write. */
	public static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}
}
