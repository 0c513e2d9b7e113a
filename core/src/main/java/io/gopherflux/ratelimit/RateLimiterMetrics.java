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

	/** {@code permits} were granted, at once ({@code tryAcquire}) or by a reservation. */
	void granted(int permits);

	/** {@code permits} were refused: no tokens now, a wait past the deadline, or more than the burst. */
	void denied(int permits);

	/** A granted reservation has to wait {@code nanos} (zero when it may act at once). */
	void waited(long nanos);

	/** A cancelled reservation gave {@code tokens} back to the bucket (possibly a fraction). */
	void returned(double tokens);

	/** Metrics that report nothing. */
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
