package io.gopherflux.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of the JSON the server writes, so that the tests check the bytes on the wire
 * with a parser independent of the server's own writer. Objects become ordered maps, arrays lists,
 * whole numbers {@code Long}, other numbers {@code Double}.
 */
public final class TestJson {

	private final String text;
	private int at;

	private TestJson(String text) {
		this.text = text;
	}

	/** Parses one JSON value that must span the whole of {@code text} (surrounding whitespace aside). */
	public static Object parse(String text) {
		TestJson reader = new TestJson(text);
		reader.skipSpace();
		Object value = reader.value();
		reader.skipSpace();
		if (reader.at != text.length()) {
			throw reader.error("trailing characters");
		}
		return value;
	}

	/** Parses a JSON object. */
	@SuppressWarnings("unchecked")
	public static Map<String, Object> object(String text) {
		Object value = parse(text);
		if (!(value instanceof Map)) {
			throw new IllegalArgumentException("not a JSON object: " + text);
		}
		return (Map<String, Object>) value;
	}

	private Object value() {
		if (at >= text.length()) {
			throw error("unexpected end");
		}
		char c = text.charAt(at);
		return switch (c) {
			case '{' -> readObject();
			case '[' -> readArray();
			case '"' -> readString();
			case 't' -> literal("true", Boolean.TRUE);
			case 'f' -> literal("false", Boolean.FALSE);
			case 'n' -> literal("null", null);
			default -> readNumber();
		};
	}

	private Map<String, Object> readObject() {
		Map<String, Object> map = new LinkedHashMap<>();
		at++;
		skipSpace();
		if (peek('}')) {
			at++;
			return map;
		}
		for (;;) {
			skipSpace();
			String key = readString();
			skipSpace();
			expect(':');
			skipSpace();
			if (map.containsKey(key)) {
				throw error("duplicate key " + key);
			}
			map.put(key, value());
			skipSpace();
			if (peek(',')) {
				at++;
				continue;
			}
			expect('}');
			return map;
		}
	}

	private List<Object> readArray() {
		List<Object> list = new ArrayList<>();
		at++;
		skipSpace();
		if (peek(']')) {
			at++;
			return list;
		}
		for (;;) {
			skipSpace();
			list.add(value());
			skipSpace();
			if (peek(',')) {
				at++;
				continue;
			}
			expect(']');
			return list;
		}
	}

	private String readString() {
		expect('"');
		StringBuilder out = new StringBuilder();
		for (;;) {
			if (at >= text.length()) {
				throw error("unterminated string");
			}
			char c = text.charAt(at++);
			if (c == '"') {
				return out.toString();
			}
			if (c < 0x20) {
				throw error("control character in string");
			}
			if (c != '\\') {
				out.append(c);
				continue;
			}
			char e = text.charAt(at++);
			switch (e) {
				case '"', '\\', '/' -> out.append(e);
				case 'n' -> out.append('\n');
				case 'r' -> out.append('\r');
				case 't' -> out.append('\t');
				case 'b' -> out.append('\b');
				case 'f' -> out.append('\f');
				case 'u' -> {
					out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
					at += 4;
				}
				default -> throw error("bad escape \\" + e);
			}
		}
	}

	private Object readNumber() {
		int start = at;
		while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
			at++;
		}
		String number = text.substring(start, at);
		if (number.isEmpty()) {
			throw error("unexpected character");
		}
		if (number.matches("-?(0|[1-9]\\d*)")) {
			return Long.parseLong(number);
		}
		if (!number.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?")) {
			throw error("bad number " + number);
		}
		return Double.parseDouble(number);
	}

	private Object literal(String word, Object value) {
		if (!text.startsWith(word, at)) {
			throw error("unexpected literal");
		}
		at += word.length();
		return value;
	}

	private boolean peek(char c) {
		return at < text.length() && text.charAt(at) == c;
	}

	private void expect(char c) {
		if (!peek(c)) {
			throw error("expected '" + c + "'");
		}
		at++;
	}

	private void skipSpace() {
		while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
			at++;
		}
	}

	private IllegalArgumentException error(String what) {
		return new IllegalArgumentException(what + " at " + at + " in: " + text);
	}
}
