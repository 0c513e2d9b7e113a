package io.gopherflux.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.x over a plain socket: the bytes a test writes go out exactly as written, and the
 * responses are read exactly as sent (status line, every header field in order, the framing of the
 * body), which an HTTP client library would normalise away. Every read is bounded by
 * {@link TestClient#TIMEOUT}: a response that never comes fails the test rather than hanging it.
 */
public final class RawHttp implements AutoCloseable {

	private final Socket socket;
	private final InputStream in;

	private RawHttp(Socket socket) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
	}

	/** A connection to the loopback address at {@code port}. */
	public static RawHttp connect(int port) {
		try {
			Socket socket = new Socket();
			socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TestClient.TIMEOUT.toMillis());
			socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
			return new RawHttp(socket);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Writes one request (or several, pipelined) and reads the first response to {@code method}. */
	public static RawResponse exchange(int port, String requests) {
		try (RawHttp connection = connect(port)) {
			connection.write(requests);
			RawResponse response = connection.read(requests.substring(0, Math.max(0, requests.indexOf(' '))));
			if (response == null) {
				throw new AssertionError("the connection closed without a response to " + firstLine(requests));
			}
			return response;
		}
	}

	/** Writes {@code text} as ISO-8859-1 bytes, as they are. */
	public RawHttp write(String text) {
		try {
			socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			return this;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * Reads the next response to a request of {@code method} (a HEAD response has no body), or
	 * returns null if the server closed the connection before its first byte.
	 *
	 * @throws AssertionError if nothing conclusive comes within {@link TestClient#TIMEOUT}
	 */
	public RawResponse read(String method) {
		try {
			RawResponse head = readHead();
			if (head == null) {
				return null;
			}
			int code = head.status();
			if (method.equals("HEAD") || code / 100 == 1 || code == 204 || code == 304) {
				return head;
			}
			if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
				return head.withBody(chunked(), Framing.CHUNKED);
			}
			if (head.header("Content-Length") != null) {
				return head.withBody(in.readNBytes(Integer.parseInt(head.header("Content-Length"))), Framing.LENGTH);
			}
			return head.withBody(in.readAllBytes(), Framing.CLOSE);
		}
		catch (SocketTimeoutException e) {
			throw new AssertionError("no whole response within " + TestClient.TIMEOUT, e);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * Reads the status line and header fields of the next response, and nothing of its body; null
	 * if the server closed the connection before its first byte.
	 */
	public RawResponse readHead() {
		try {
			String statusLine = line(true);
			if (statusLine == null) {
				return null;
			}
			String[] status = statusLine.split(" ", 3);
			List<Map.Entry<String, String>> fields = new ArrayList<>();
			for (String field = line(false); !field.isEmpty(); field = line(false)) {
				int colon = field.indexOf(':');
				fields.add(Map.entry(field.substring(0, colon), field.substring(colon + 1).trim()));
			}
			return new RawResponse(statusLine, status[0], Integer.parseInt(status[1]), fields, new byte[0], Framing.NONE);
		}
		catch (SocketTimeoutException e) {
			throw new AssertionError("no response head within " + TestClient.TIMEOUT, e);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * Waits (bounded) for the server to close the connection; fails if it sends anything more or
	 * keeps the connection open.
	 */
	public void awaitClosed() {
		try {
			int next = in.read();
			if (next >= 0) {
				throw new AssertionError("expected the connection to close, but the server sent more: "
						+ (char) next + new String(in.readNBytes(Math.min(in.available(), 200)), StandardCharsets.ISO_8859_1));
			}
		}
		catch (SocketTimeoutException e) {
			throw new AssertionError("the server kept the connection open for " + TestClient.TIMEOUT, e);
		}
		catch (IOException e) {
			// A reset is a close too.
		}
	}

	private byte[] chunked() throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		for (;;) {
			String size = line(false);
			int semicolon = size.indexOf(';');
			int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
			if (length == 0) {
				while (!line(false).isEmpty()) {
					// trailer fields
				}
				return body.toByteArray();
			}
			body.writeBytes(in.readNBytes(length));
			if (!line(false).isEmpty()) {
				throw new AssertionError("a chunk does not end with CRLF");
			}
		}
	}

	/** One line without its CRLF; null at EOF when {@code eofAllowed}. */
	private String line(boolean eofAllowed) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (;;) {
			int b = in.read();
			if (b < 0) {
				if (eofAllowed && line.size() == 0) {
					return null;
				}
				throw new AssertionError("the connection closed inside a response: " + line.toString(StandardCharsets.ISO_8859_1));
			}
			if (b == '\n') {
				String text = line.toString(StandardCharsets.ISO_8859_1);
				return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
			}
			line.write(b);
		}
	}

	private static String firstLine(String requests) {
		int end = requests.indexOf('\r');
		return end < 0 ? requests : requests.substring(0, end);
	}

	@Override
	public void close() {
		try {
			socket.close();
		}
		catch (IOException e) {
			// closing
		}
	}

	/** How a response's body was delimited. */
	public enum Framing {
		/** No body: a HEAD response, 1xx, 204 or 304. */
		NONE,
		/** {@code Content-Length}. */
		LENGTH,
		/** {@code Transfer-Encoding: chunked}. */
		CHUNKED,
		/** The end of the connection. */
		CLOSE
	}

	/**
	 * One response as sent.
	 *
	 * @param statusLine the status line, e.g. {@code HTTP/1.1 200 OK}
	 * @param version    its protocol version
	 * @param status     its status code
	 * @param fields     the header fields in order, names as sent
	 * @param body       the body, de-chunked
	 * @param framing    how the body was delimited
	 */
	public record RawResponse(String statusLine, String version, int status, List<Map.Entry<String, String>> fields,
			byte[] body, Framing framing) {

		/** The first value of the field {@code name} (any case), or null. */
		public String header(String name) {
			List<String> all = headers(name);
			return all.isEmpty() ? null : all.get(0);
		}

		/** Every value of the field {@code name} (any case). */
		public List<String> headers(String name) {
			return fields.stream().filter(f -> f.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
		}

		/** The field names, lower case, in order. */
		public List<String> names() {
			return fields.stream().map(f -> f.getKey().toLowerCase(Locale.ROOT)).toList();
		}

		/** The body as UTF-8 text. */
		public String text() {
			return new String(body, StandardCharsets.UTF_8);
		}

		/** The body as a JSON object. */
		public Map<String, Object> json() {
			return TestJson.object(text());
		}

		RawResponse withBody(byte[] bytes, Framing how) {
			return new RawResponse(statusLine, version, status, fields, bytes, how);
		}

		@Override
		public String toString() {
			return statusLine + " " + fields + " (" + framing + ") " + text();
		}
	}
}
