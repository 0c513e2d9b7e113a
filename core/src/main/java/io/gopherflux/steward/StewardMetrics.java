package io.gopherflux.steward;

/**
 * What a {@link Steward} reports as it watches its ward: a small port with a no-op default, so
 * that core does not need a metrics library. {@link MicrometerStewardMetrics} binds it to
 * Micrometer. Methods are called on the threads where the events happen and must not block.
 */
public interface StewardMetrics {

	/** Reports nothing. */
	StewardMetrics NOOP = new StewardMetrics() {
	};

	/**
	 * A ward has been started (first start or restart).
	 *
	 * @param ward the steward's name for its ward
	 */
	default void wardStarted(String ward) {
	}

	/**
	 * The ward started last has stopped, for whatever reason, including cancellation.
	 *
	 * @param ward the steward's name for its ward
	 */
	default void wardStopped(String ward) {
	}

	/**
	 * The ward sent no beat within the timeout and has been cancelled.
	 *
	 * @param ward the steward's name for its ward
	 */
	default void heartbeatMissed(String ward) {
	}

	/**
	 * The ward is being restarted, for {@code reason}.
	 *
	 * @param ward   the steward's name for its ward
	 * @param reason why
	 */
	default void restarted(String ward, RestartReason reason) {
	}
}
