package io.gopherflux.pipeline;

/**
 * Where a {@link QueueStage} reports what Little's law needs: every arrival (&lambda; is their
 * rate), every departure with the time the element spent in the stage (W), and from these the
 * number of elements in the stage (L = arrivals minus departures). For a stable stage the
 * averages obey L = &lambda;&middot;W.
 * <p>
 * Implementations must be thread-safe: one instance may serve several subscriptions, and each
 * subscription calls it from whichever thread signals. The default is {@link #noop()}, with
 * which the stage adds nothing to Reactor's operators; {@link MicrometerQueueMetrics} binds the
 * port to a Micrometer {@code MeterRegistry}.
 */
public interface QueueMetrics {

	/** How an element left the stage. */
	enum Outcome {
		/** Emitted downstream. */
		DELIVERED,
		/** Discarded by the overflow policy ({@code DROP_NEWEST}, {@code DROP_OLDEST}, {@code FAIL}). */
		DROPPED,
		/** Discarded from the queue because the subscription was cancelled or failed. */
		DISCARDED
	}

	/** An element entered the stage. */
	void arrived();

	/**
	 * An element that {@link #arrived()} left the stage.
	 *
	 * @param nanosInStage how long it was in the stage, on the stage's clock
	 * @param outcome      how it left
	 */
	void left(long nanosInStage, Outcome outcome);

	/** {@return the metrics that record nothing; a stage configured with them does not time elements} */
	static QueueMetrics noop() {
		return NoopQueueMetrics.INSTANCE;
	}
}

enum NoopQueueMetrics implements QueueMetrics {
	INSTANCE;

	@Override
	public void arrived() {
	}

	@Override
	public void left(long nanosInStage, Outcome outcome) {
	}
}
