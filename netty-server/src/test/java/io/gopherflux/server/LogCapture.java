package io.gopherflux.server;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what the server logs while it is open. The server logs through SLF4J's simple
 * binding, which writes to whatever {@code System.err} is at the time of each line, so a copy of
 * the standard error stream sees every logged line (the original stream still gets them). The
 * loggers themselves are held in static fields, which is why swapping Reactor's logger factory
 * would not reach them.
 */
public final class LogCapture implements AutoCloseable {

	private final PrintStream original;
	private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

	private LogCapture(PrintStream original) {
		this.original = original;
	}

	/** Starts capturing; {@link #close()} stops. */
	public static LogCapture start() {
		LogCapture capture = new LogCapture(System.err);
		OutputStream tee = new OutputStream() {
			@Override
			public void write(int b) {
				synchronized (capture.copy) {
					capture.copy.write(b);
				}
				capture.original.write(b);
			}

			@Override
			public void write(byte[] bytes, int offset, int length) {
				synchronized (capture.copy) {
					capture.copy.write(bytes, offset, length);
				}
				capture.original.write(bytes, offset, length);
			}

			@Override
			public void flush() {
				capture.original.flush();
			}
		};
		System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
		return capture;
	}

	/** Everything logged since the start. */
	public String text() {
		synchronized (copy) {
			return copy.toString(StandardCharsets.UTF_8);
		}
	}

	@Override
	public void close() {
		System.err.flush();
		System.setErr(original);
	}
}
