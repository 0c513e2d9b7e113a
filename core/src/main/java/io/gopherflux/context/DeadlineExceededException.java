package io.gopherflux.context;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.gopherflux.errors.GopherfluxException;

/**
 * The deadline in the Reactor Context passed, or an operation would have waited past it: Go's
 * {@code context.DeadlineExceeded}, well formed. Retrying may help, with a later deadline or
 * under less load.
 */
public class DeadlineExceededException extends GopherfluxException {

	private static final long serialVersionUID = 1L;

	private static final String USER_MESSAGE = "The request ran out of time; retrying may help.";

	/** The deadline that passed, or would have been passed. */
	private final Instant deadline;

	/**
	 * @param message  what happened
	 * @param deadline the deadline that passed or would have been passed
	 * @param context  where and when (copied)
	 */
	protected DeadlineExceededException(String message, Instant deadline, Map<String, ?> context) {
		super(message, USER_MESSAGE, true, context, null);
		this.deadline = Objects.requireNonNull(deadline, "deadline");
	}

	/**
	 * The deadline passed while {@code operation} was under way.
	 *
	 * @param operation what was abandoned, e.g. {@code locale lookup}
	 * @param deadline  the deadline read from the Context
	 * @param now       the instant, on the scheduler's clock, at which it was noticed
	 * @return the error
	 */
	public static DeadlineExceededException passed(String operation, Instant deadline, Instant now) {
		Objects.requireNonNull(operation, "operation");
		Objects.requireNonNull(deadline, "deadline");
		Objects.requireNonNull(now, "now");
		Map<String, Object> context = new LinkedHashMap<>();
		context.put("operation", operation);
		context.put("deadline", deadline);
		context.put("now", now);
		return new DeadlineExceededException(operation + ": deadline " + deadline + " exceeded at " + now,
				deadline, context);
	}

	/**
	 * {@code operation} did not start because it would need {@code wait} from {@code now}, which
	 * ends after the deadline: failing at once, as Go's {@code rate.Limiter.WaitN} does.
	 *
	 * @param operation what did not start
	 * @param deadline  the deadline read from the Context
	 * @param now       the instant, on the scheduler's clock, at which the wait would have begun
	 * @param wait      how long the operation would have waited
	 * @return the error
	 */
	public static DeadlineExceededException wouldPass(String operation, Instant deadline, Instant now,
			Duration wait) {
		Objects.requireNonNull(operation, "operation");
		Objects.requireNonNull(deadline, "deadline");
		Objects.requireNonNull(now, "now");
		Objects.requireNonNull(wait, "wait");
		Map<String, Object> context = new LinkedHashMap<>();
		context.put("operation", operation);
		context.put("deadline", deadline);
		context.put("now", now);
		context.put("wait", wait);
		return new DeadlineExceededException(operation + ": waiting " + wait + " from " + now
				+ " would pass the deadline " + deadline, deadline, context);
	}

	/**
	 * The deadline that passed, or would have been passed.
	 *
	 * @return the deadline
	 */
	public Instant deadline() {
		return deadline;
	}
}
