package io.gopherflux.ratelimit.redis;

import java.util.Map;

import io.gopherflux.errors.GopherfluxException;

/**
 * A distributed rate limiter could not decide because its store (Redis) is unavailable, and its
 * {@link FailurePolicy} is {@link FailurePolicy#FAIL_CLOSED}. It is not a
 * {@link io.gopherflux.ratelimit.RateLimitException}: the client did nothing wrong and was not
 * over its limit, so a server answers it with 503 Service Unavailable, not 429. Retryable.
 */
public final class RateLimiterUnavailableException extends GopherfluxException {

	private static final long serialVersionUID = 1L;

	RateLimiterUnavailableException(String limiter, String redis, int permits, Throwable cause) {
		super("rate limiter '" + limiter + "' cannot decide on " + permits + " permit(s): Redis at " + redis
				+ " is unavailable" + (cause != null ? " (" + cause + ")" : "") + " and the failure policy is fail-closed",
				"The service cannot check its usage limits right now; please retry shortly.",
				true, Map.of("limiter", limiter, "redis", redis, "permits", permits, "policy", "fail-closed"), cause);
	}
}
