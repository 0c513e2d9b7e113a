package io.gopherflux.server.limit;

/**
 * Where the server's limits report what they refuse, close and overflow: a small port, so that
 * the limits do not depend on a metrics system. {@link #noop()} reports nothing;
 * {@link MicrometerLimitMetrics} binds it to a Micrometer registry.
 * <p>
 * Implementations are called on event loops, on the hot path: thread-safe, cheap, never blocking
 * or throwing.
 */
public interface LimitMetrics {

	/** Why a request was refused other than by its rate limit (a 429 of the limiter counts as a denied admission). */
	enum Refusal {
		/** The client had as many streams open as its plan allows (429). */
		TOO_MANY_STREAMS("too-many-streams"),
		/** The request carried an API key the server does not know (401). */
		UNKNOWN_API_KEY("unknown-api-key"),
		/** The fail-closed distributed limiter could not decide (503). */
		LIMITER_UNAVAILABLE("limiter-unavailable");

		private final String tag;

		Refusal(String tag) {
			this.tag = tag;
		}

		/**
		 * The value of the {@code reason} tag.
		 *
		 * @return the tag value, e.g. {@code too-many-streams}
		 */
		public String tag() {
			return tag;
		}
	}

	/** Why the server closed a connection the client kept open. */
	enum Closure {
		/** The request head did not arrive in full within the header-read timeout. */
		HEADER_READ_TIMEOUT("header-read-timeout"),
		/** Nothing happened on a connection between requests for the idle timeout. */
		IDLE_TIMEOUT("idle-timeout");

		private final String tag;

		Closure(String tag) {
			this.tag = tag;
		}

		/**
		 * The value of the {@code reason} tag.
		 *
		 * @return the tag value, e.g. {@code idle-timeout}
		 */
		public String tag() {
			return tag;
		}
	}

	/**
	 * A request was refused for {@code reason}.
	 *
	 * @param reason why it was refused
	 */
	void refused(Refusal reason);

	/** A request was decided on the shared budget of its address prefix because the client table was full. */
	void overflowed();

	/** A connection was closed at once because its address had as many open as allowed. */
	void connectionRefused();

	/**
	 * The server closed a connection for {@code reason}.
	 *
	 * @param reason which timeout closed it
	 */
	void connectionClosed(Closure reason);

	/**
	 * Metrics that report nothing.
	 *
	 * @return the shared no-op instance
	 */
	static LimitMetrics noop() {
		return NoopLimitMetrics.INSTANCE;
	}
}

enum NoopLimitMetrics implements LimitMetrics {

	INSTANCE;

	@Override
	public void refused(Refusal reason) {
	}

	@Override
	public void overflowed() {
	}

	@Override
	public void connectionRefused() {
	}

	@Override
	public void connectionClosed(Closure reason) {
	}
}
