package io.gopherflux.ratelimit;

/**
 * Where a rate limiter reports what it decides: a small port, so that the library does not depend
 * on a metrics system. The default, {@link #noop()}, reports nothing;
 * {@link MicrometerRateLimiterMetrics} binds it to a Micrometer registry.
 * <p>
 * Implementations are called on the caller's thread, on the hot path of every request: they must
 * be thread-safe, cheap and must not block or throw.
 */
public interface RateLimiterMetrics {

	/**
	 * Permits were granted, at once ({@code tryAcquire}) or by a reservation.
	 *
	 * @param permits how many
	 */
	void granted(int permits);

	/**
	 * Permits were refused: no tokens now, a wait past the deadline, or more than the burst.
	 *
	 * @param permits how many
	 */
	void denied(int permits);

	/**
	 * A granted reservation has to wait (zero when it may act at once).
	 *
	 * @param nanos the wait in nanoseconds
	 */
	void waited(long nanos);

	/**
	 * A cancelled reservation gave tokens back to the bucket.
	 *
	 * @param tokens how many, possibly a fraction
	 */
	void returned(double tokens);

	/**
	 * Metrics that report nothing.
	 *
	 * @return the no-op metrics
	 */
	static RateLimiterMetrics noop() {
		return NoopRateLimiterMetrics.INSTANCE;
	}
}

enum NoopRateLimiterMetrics implements RateLimiterMetrics {

	INSTANCE;

	@Override
	public void granted(int permits) {
	}

	@Override
	public void denied(int permits) {
	}

	@Override
	public void waited(long nanos) {
	}

	@Override
	public void returned(double tokens) {
	}
}
