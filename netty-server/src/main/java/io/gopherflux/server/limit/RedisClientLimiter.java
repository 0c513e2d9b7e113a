package io.gopherflux.server.limit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import io.gopherflux.ratelimit.redis.RateLimiterUnavailableException;
import io.gopherflux.ratelimit.redis.RedisRateLimiter;
import io.gopherflux.ratelimit.redis.RedisRateLimiters;
import io.gopherflux.ratelimit.redis.Tier;
import io.gopherflux.ratelimit.redis.TieredReservation;
import io.gopherflux.server.http.Problem;
import io.gopherflux.server.http.ProblemException;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Per-client admission shared by every server on one Redis: each request is one round trip that
 * decides all of the plan's quotas at once (see {@link RedisRateLimiters}). When Redis is down,
 * the limiters' failure policy applies: fail-open decides in process with the same quotas,
 * fail-closed refuses with 503 Service Unavailable (the client did nothing wrong).
 * <p>
 * A fail-closed outage is logged once, on its first refusal, as one line with a log ID; every 503
 * of that outage carries the same ID, and is counted ({@link LimitMetrics.Refusal#LIMITER_UNAVAILABLE}),
 * not logged: clients set the number of refusals, not the volume of the log. The outage ends with
 * the first request Redis decides again.
 */
public final class RedisClientLimiter implements ClientLimiter {

	private static final Logger LOG = Loggers.getLogger(RedisClientLimiter.class);

	private final RedisRateLimiters limiters;
	private final long retrySeconds;
	private final LimitMetrics metrics;
	/** The log ID of the fail-closed outage under way, or null. */
	private final AtomicReference<String> outage = new AtomicReference<>();

	/** @param limiters the Redis connection and its policy; closed with this limiter */
	public RedisClientLimiter(RedisRateLimiters limiters) {
		this(limiters, LimitMetrics.noop());
	}

	/**
	 * @param limiters the Redis connection and its policy; closed with this limiter
	 * @param metrics  where refusals while Redis is unavailable are counted
	 */
	public RedisClientLimiter(RedisRateLimiters limiters, LimitMetrics metrics) {
		this.limiters = Objects.requireNonNull(limiters, "limiters");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		this.retrySeconds = Math.max(1, limiters.config().retryInterval().toSeconds());
	}

	@Override
	public Mono<Admission> admit(String client, Plan plan) {
		Objects.requireNonNull(client, "client");
		Objects.requireNonNull(plan, "plan");
		List<Tier> tiers = new ArrayList<>(plan.quotas().size());
		for (Quota quota : plan.quotas()) {
			tiers.add(quota.tier());
		}
		RedisRateLimiter limiter = limiters.limiter(plan.name() + ":" + client, tiers);
		return limiter.reserve(1, Duration.ZERO)
				.map(reservation -> {
					if (outage.get() != null) {
						outage.set(null);
					}
					return admission(limiter, reservation, plan);
				})
				.onErrorMap(RateLimiterUnavailableException.class, this::refusal);
	}

	private ProblemException refusal(RateLimiterUnavailableException e) {
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

	private static Admission admission(RedisRateLimiter limiter, TieredReservation reservation, Plan plan) {
		List<Double> byTier = reservation.tokens();
		List<Double> remaining = new ArrayList<>(plan.quotas().size());
		for (Quota quota : plan.quotas()) {
			double tokens = quota.quota();
			for (int i = 0; i < byTier.size(); i++) {
				if (limiter.tiers().get(i).name().equals(quota.name())) {
					tokens = byTier.get(i);
				}
			}
			remaining.add(tokens);
		}
		Admission fromTokens = Admission.of(reservation.ok(), remaining, plan);
		if (reservation.ok() || reservation.delayNanos() == Long.MAX_VALUE
				|| reservation.delayNanos() <= fromTokens.retryAfter().toNanos()) {
			return fromTokens;
		}
		return new Admission(false, reservation.delay(), remaining, plan);
	}

	/** Whether Redis is answering now (if not, the failure policy decides). */
	public boolean available() {
		return limiters.available();
	}

	@Override
	public void close() {
		limiters.close();
	}
}
