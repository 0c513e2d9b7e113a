package io.gopherflux.server.http;

import java.util.Map;
import java.util.Objects;

/**
 * Thrown (or signalled) by request handling to answer with a {@link Problem}: a client's mistake or
 * a refusal, never a bug. It carries no stack trace, as it is an answer, not a failure to
 * investigate.
 */
public final class ProblemException extends RuntimeException {

	private final transient Problem problem;
	private final transient Map<String, String> headers;

	/** @param problem what to answer */
	public ProblemException(Problem problem) {
		this(problem, Map.of());
	}

	/**
	 * @param problem what to answer
	 * @param headers header fields to add to the response (e.g. {@code Retry-After})
	 */
	public ProblemException(Problem problem, Map<String, String> headers) {
		this(problem, headers, null);
	}

	/**
	 * @param problem what to answer
	 * @param headers header fields to add to the response (e.g. {@code Retry-After})
	 * @param cause   the failure behind a 5xx problem, logged with the problem's log ID; or null
	 */
	public ProblemException(Problem problem, Map<String, String> headers, Throwable cause) {
		super(Objects.requireNonNull(problem, "problem").detail(), cause, false, false);
		this.problem = problem;
		this.headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
	}

	/**
	 * A 400 naming the parameter.
	 *
	 * @param parameter the name of the wrong query parameter or header
	 * @param detail    what is wrong with it, for a person
	 * @return an exception answering with a {@code bad-parameter} problem
	 */
	public static ProblemException badParameter(String parameter, String detail) {
		return new ProblemException(Problem.badParameter(parameter, detail));
	}

	/**
	 * The problem to answer with.
	 *
	 * @return the problem the response carries
	 */
	public Problem problem() {
		return problem;
	}

	/**
	 * The header fields to add to the response.
	 *
	 * @return the fields by name, unmodifiable; empty when there are none
	 */
	public Map<String, String> headers() {
		return headers;
	}
}
