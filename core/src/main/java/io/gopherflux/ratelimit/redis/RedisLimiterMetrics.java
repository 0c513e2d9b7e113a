package io.gopherflux.ratelimit.redis;

/**
 * Where {@link RedisRateLimiters} reports on Redis itself (decisions are reported to a
 * {@link io.gopherflux.ratelimit.RateLimiterMetrics} as for any limiter): a small port with a
 * no-op default, {@link #noop()}; {@link MicrometerRedisLimiterMetrics} binds it to Micrometer.
 * <p>
 * Called on Redis client threads and callers' threads: implementations must be thread-safe,
 * cheap, and must not block or throw.
 */
public interface RedisLimiterMetrics {

	/**
	 * Redis became available or unavailable: once per change, not per request.
	 *
	 * @param available whether Redis answers now
	 */
	void availabilityChanged(boolean available);

	/**
	 * Permits were decided without Redis, by the failure policy (locally, or refused as unavailable).
	 *
	 * @param permits how many
	 */
	void degraded(int permits);

	/** Redis did not know a script (after a restart or {@code SCRIPT FLUSH}), so it was sent again in full. */
	void scriptReloaded();

	/**
	 * A script call answered.
	 *
	 * @param nanos how long it took, in nanoseconds
	 */
	void roundTrip(long nanos);

	/**
	 * Metrics that report nothing.
	 *
	 * @return the no-op metrics
	 */
	static RedisLimiterMetrics noop() {
		return NoopRedisLimiterMetrics.INSTANCE;
	}
}

enum NoopRedisLimiterMetrics implements RedisLimiterMetrics {

	INSTANCE;

	@Override
	public void availabilityChanged(boolean available) {
	}

	@Override
	public void degraded(int permits) {
	}

	@Override
	public void scriptReloaded() {
	}

	@Override
	public void roundTrip(long nanos) {
	}
}
