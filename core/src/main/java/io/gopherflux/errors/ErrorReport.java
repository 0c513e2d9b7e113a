package io.gopherflux.errors;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * What the top of a program does with an error that reached it: a line for the user and a log
 * entry for whoever investigates, joined by the error's ID.
 * <p>
 * An error of the expected, well-formed type is a known edge case: the user sees its
 * {@linkplain GopherfluxException#userMessage() user message}. Anything else is a bug: it is
 * wrapped in an {@link UnexpectedException} (which gives it an ID) and the user sees
 * {@value UnexpectedException#USER_MESSAGE}. Either way the user's line starts with the log ID
 * and the log entry holds everything: ID, UTC time, type, message, context of every well-formed
 * error in the cause chain, stack hash, and the full stack trace with causes.
 * <p>
 * Logging goes through Reactor's {@link Loggers}, without core depending on any logging library:
 * to SLF4J when it is on the classpath; otherwise to Reactor's console logger (errors on
 * {@code System.err}), or to {@code java.util.logging} when the system property
 * {@code reactor.logging.fallback} is {@code JDK}. An application that wants the entries in its
 * own log should have SLF4J, or pass its logger to {@link #log(Logger)}.
 * <pre>{@code
 * mono.onErrorResume(e -> {
 *     ErrorReport report = ErrorReport.of(e).log();
 *     return Mono.just(Response.error(report.display()));
 * })
 * }</pre>
 */
public final class ErrorReport {

	private static final Logger LOG = Loggers.getLogger("io.gopherflux.errors");

	private final GopherfluxException error;
	private final boolean bug;

	private ErrorReport(GopherfluxException error, boolean bug) {
		this.error = error;
		this.bug = bug;
	}

	/**
	 * A report in which any {@link GopherfluxException} is well formed.
	 *
	 * @param error the error that reached the top
	 * @return the report
	 */
	public static ErrorReport of(Throwable error) {
		return of(error, GopherfluxException.class);
	}

	/**
	 * A report in which only errors of {@code wellFormed} are known edge cases; use it at the top
	 * of a program whose outermost module has its own error type.
	 *
	 * @param error      the error that reached the top
	 * @param wellFormed the type of the errors that are known edge cases
	 * @return the report
	 */
	public static ErrorReport of(Throwable error, Class<? extends GopherfluxException> wellFormed) {
		Objects.requireNonNull(error, "error");
		Objects.requireNonNull(wellFormed, "wellFormed");
		if (wellFormed.isInstance(error) && !(error instanceof UnexpectedException)) {
			return new ErrorReport((GopherfluxException) error, false);
		}
		if (error instanceof UnexpectedException) {
			return new ErrorReport((UnexpectedException) error, true);
		}
		return new ErrorReport(new UnexpectedException(error), true);
	}

	/** {@return the log ID: the reported error's ID} */
	public String id() {
		return error.id();
	}

	/** {@return whether the error is a bug rather than a known edge case} */
	public boolean bug() {
		return bug;
	}

	/** {@return the reported error: the well-formed one, or the {@link UnexpectedException} wrapping a bug} */
	public GopherfluxException error() {
		return error;
	}

	/** {@return the line for the user, without the ID} */
	public String userMessage() {
		return error.userMessage();
	}

	/** {@return the line for the user: {@code [id] user message}} */
	public String display() {
		return "[" + id() + "] " + userMessage();
	}

	/**
	 * The full log entry, keyed by the ID on its first line: one header line, one line per
	 * well-formed error in the cause chain (ID, UTC time, context), then the stack trace with all
	 * causes and suppressed errors.
	 *
	 * @return the entry
	 */
	public String logEntry() {
		StringWriter text = new StringWriter();
		PrintWriter w = new PrintWriter(text);
		w.print("[logID: " + id() + "] " + (bug ? "bug" : "error") + " at " + error.time()
				+ " stackHash=" + error.stackHash() + " retryable=" + error.retryable() + ": " + error.getMessage());
		w.println();
		int depth = 0;
		for (Throwable t = error; t != null && depth < 32; t = t.getCause(), depth++) {
			if (t instanceof GopherfluxException) {
				GopherfluxException g = (GopherfluxException) t;
				w.println("  " + g.getClass().getName() + " id=" + g.id() + " time=" + g.time()
						+ " context=" + g.context());
			}
			if (t.getCause() == t) {
				break;
			}
		}
		error.printStackTrace(w);
		w.flush();
		return text.toString();
	}

	/**
	 * Logs the {@linkplain #logEntry() entry} at error level to {@code logger}.
	 *
	 * @param logger where to log
	 * @return this report
	 */
	public ErrorReport log(Logger logger) {
		Objects.requireNonNull(logger, "logger");
		logger.error(logEntry());
		return this;
	}

	/**
	 * Logs the entry at error level to the logger {@code io.gopherflux.errors}.
	 *
	 * @return this report
	 */
	public ErrorReport log() {
		return log(LOG);
	}

	@Override
	public String toString() {
		return display();
	}
}
