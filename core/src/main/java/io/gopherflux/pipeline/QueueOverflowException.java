package io.gopherflux.pipeline;

import java.util.Map;

import io.gopherflux.errors.GopherfluxException;

/**
 * A {@link QueueStage} with {@link OverflowPolicy#FAIL} received an element while its queue was
 * full: work arrived faster than the pipeline behind the queue took it. Retryable, as the
 * overload may pass. Its context names the stage, its capacity and the policy.
 */
public class QueueOverflowException extends GopherfluxException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param stage    the name of the queue stage
	 * @param capacity its capacity, reached when the element arrived
	 * @param cause    Reactor's overflow error, or {@code null}
	 */
	public QueueOverflowException(String stage, int capacity, Throwable cause) {
		super("queue stage '" + stage + "' overflowed: an element arrived while all " + capacity
						+ " places were taken; ingress exceeds egress",
				"The service is receiving more work than it can take right now; try again shortly.",
				true,
				Map.of("stage", stage, "capacity", capacity, "policy", OverflowPolicy.FAIL.name()),
				cause);
	}
}
