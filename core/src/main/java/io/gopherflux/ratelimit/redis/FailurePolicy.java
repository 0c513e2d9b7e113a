package io.gopherflux.ratelimit.redis;

/**
 * What a {@link RedisRateLimiter} does while Redis cannot answer (unreachable, too slow for the
 * configured timeout, or failing), until a probe finds it answering again.
 */
public enum FailurePolicy {

	/**
	 * Keep limiting, each instance on its own: every budget falls back to an in-process
	 * {@link io.gopherflux.ratelimit.TokenBucket} with the same tiers, starting full. Requests keep
	 * being admitted and refused with the same rates, but per instance: N instances behind a load
	 * balancer admit up to N times the budget until Redis is back. The default.
	 */
	FAIL_OPEN,

	/**
	 * Refuse every request with a {@link RateLimiterUnavailableException} (which a server answers
	 * with 503, not 429): nothing is admitted that the shared budget has not approved.
	 */
	FAIL_CLOSED
}
