package io.gopherflux.errors;

import java.util.Map;
import java.util.Objects;

/**
 * A raw exception, or a well-formed one of the wrong module, that reached the top of a program:
 * a bug. It gives the raw error an ID, a time and a user message that says so, and keeps it as
 * its cause for the log. {@link ErrorReport} makes these; nothing else should.
 */
public final class UnexpectedException extends GopherfluxException {

	private static final long serialVersionUID = 1L;

	/** What a user is shown for a bug, with the log ID in front. */
	public static final String USER_MESSAGE = "There was an unexpected issue; please report this as a bug.";

	UnexpectedException(Throwable raw) {
		super("unexpected " + Objects.requireNonNull(raw, "raw").getClass().getName()
				+ (raw.getMessage() == null ? "" : ": " + raw.getMessage()),
				USER_MESSAGE, false, Map.of("type", raw.getClass().getName()), raw);
	}
}
