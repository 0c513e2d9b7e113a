package io.gopherflux.ratelimit;

import java.util.Map;

import io.gopherflux.errors.GopherfluxException;

/**
 * A rate limiter refused permits and the refusal is reported as an error (by
 * {@link RateLimiter#acquire(int)} and the operators of {@link RateLimit}); one of
 * {@link BurstExceededException}, {@link WaitPastDeadlineException} or
 * {@link PermitsDeniedException}.
 */
public abstract class RateLimitException extends GopherfluxException {

	private static final long serialVersionUID = 1L;

	RateLimitException(String message, String userMessage, boolean retryable, Map<String, ?> context) {
		super(message, userMessage, retryable, context, null);
	}
}
