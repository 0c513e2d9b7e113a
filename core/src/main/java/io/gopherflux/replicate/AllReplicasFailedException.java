package io.gopherflux.replicate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.gopherflux.errors.GopherfluxException;

/**
 * No replica of a replicated request answered: each failed or completed without a value. Carries
 * every replica's cause, by replica index, in {@link #causes()} and as suppressed exceptions.
 * Retryable unless every cause is a well-formed error that says it is not.
 */
public class AllReplicasFailedException extends GopherfluxException {

	private static final long serialVersionUID = 1L;

	/** The cause of each replica's failure, by replica index. */
	private final List<Throwable> causes;

	/**
	 * @param causes     the cause of each replica, by index; none {@code null}
	 * @param hedgeDelay the delay between replica starts used for this request
	 */
	public AllReplicasFailedException(List<? extends Throwable> causes, Duration hedgeDelay) {
		super(message(causes), "The request failed everywhere it was tried; retrying may help.",
				retryable(causes), context(causes, hedgeDelay), null);
		this.causes = Collections.unmodifiableList(new ArrayList<>(causes));
		for (Throwable cause : this.causes) {
			addSuppressed(cause);
		}
	}

	/** {@return the cause of each replica's failure, by replica index} */
	public List<Throwable> causes() {
		return causes;
	}

	private static String message(List<? extends Throwable> causes) {
		Objects.requireNonNull(causes, "causes");
		if (causes.isEmpty()) {
			throw new IllegalArgumentException("causes must not be empty");
		}
		StringBuilder b = new StringBuilder("all ").append(causes.size()).append(" replicas failed:");
		for (int i = 0; i < causes.size(); i++) {
			Throwable cause = Objects.requireNonNull(causes.get(i), "causes element");
			b.append(i == 0 ? " " : "; ").append('#').append(i).append(' ').append(cause);
		}
		return b.toString();
	}

	private static boolean retryable(List<? extends Throwable> causes) {
		for (Throwable cause : causes) {
			if (!(cause instanceof GopherfluxException) || ((GopherfluxException) cause).retryable()) {
				return true;
			}
		}
		return false;
	}

	private static Map<String, Object> context(List<? extends Throwable> causes, Duration hedgeDelay) {
		Map<String, Object> context = new LinkedHashMap<>();
		context.put("replicas", causes.size());
		context.put("hedgeDelay", Objects.requireNonNull(hedgeDelay, "hedgeDelay"));
		return context;
	}
}
