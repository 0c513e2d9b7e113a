package io.gopherflux.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.gopherflux.ratelimit.redis.RateLimiterUnavailableException;
import io.gopherflux.server.http.Problem;
import io.gopherflux.server.http.ProblemException;
import io.gopherflux.server.limit.LimitMetrics;
import io.gopherflux.server.internal.limit.RateLimitHeaders;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Turns a limiter that cannot decide ({@link RateLimiterUnavailableException}: Redis down and the
 * policy fail-closed) into 503 refusals. An outage is logged once, on its first refusal, as one
 * line with a log ID; every 503 of that outage carries the same ID and is counted
 * ({@link LimitMetrics.Refusal#LIMITER_UNAVAILABLE}), not logged: clients set the number of
 * refusals, not the volume of the log. The outage ends with the first request decided again.
 */
final class LimiterOutages {

	private static final Logger LOG = Loggers.getLogger(LimiterOutages.class);

	private final LimitMetrics metrics;
	private final long retrySeconds;
	/** The log ID of the outage under way, or null. */
	private final AtomicReference<String> outage = new AtomicReference<>();

	LimiterOutages(LimitMetrics metrics, Duration retryAfter) {
		this.metrics = metrics;
		this.retrySeconds = Math.max(1, retryAfter.toSeconds());
	}

	/** A decision was made: any outage is over. */
	void decided() {
		if (outage.get() != null) {
			outage.set(null);
		}
	}

	/** The 503 of one request refused by the outage. */
	ProblemException refusal(RateLimiterUnavailableException e) {
		String id = outage.get();
		if (id == null) {
			id = outage.compareAndExchange(null, e.id());
			if (id == null) {
				id = e.id();
				// The exception's message names the client; the line names the outage only.
				LOG.warn("[logID: {}] rate limiter unavailable, failing closed: refusing requests with 503 until Redis "
						+ "decides again", id);
			}
		}
		metrics.refused(LimitMetrics.Refusal.LIMITER_UNAVAILABLE);
		return new ProblemException(
				Problem.of(503, "limiter-unavailable", "Rate limiter unavailable", e.userMessage()).with("logId", id),
				Map.of(RateLimitHeaders.RETRY_AFTER, Long.toString(retrySeconds)));
	}
}
