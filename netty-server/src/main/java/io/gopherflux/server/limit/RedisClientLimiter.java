package io.gopherflux.server.limit;

import java.time.Duration;
import java.util.Locale;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.gopherflux.ratelimit.redis.RateLimiterUnavailableException;
import io.gopherflux.ratelimit.redis.RedisRateLimiter;
import io.gopherflux.ratelimit.redis.RedisRateLimiters;
import io.gopherflux.ratelimit.redis.Tier;
import io.gopherflux.ratelimit.redis.TieredReservation;
import reactor.core.publisher.Mono;

/**
 * Per-client admission shared by every server on one Redis: each request is one round trip that
 * decides all of the plan's quotas at once (see {@link RedisRateLimiters}). When Redis is down,
 * the limiters' failure policy applies: fail-open decides in process with the same quotas,
 * fail-closed signals {@link RateLimiterUnavailableException}, which the routes answer with 503
 * Service Unavailable (the client did nothing wrong) and log once per outage.
 */
public final class RedisClientLimiter implements ClientLimiter {

	private final RedisRateLimiters limiters;

	/** @param limiters the Redis connection and its policy; closed with this limiter */
	public RedisClientLimiter(RedisRateLimiters limiters) {
		this.limiters = Objects.requireNonNull(limiters, "limiters");
	}

	/** How long clients are told to wait while Redis is unavailable: the limiters' retry interval. */
	@Override
	public Duration retryWhenUnavailable() {
		return limiters.config().retryInterval();
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
				.map(reservation -> admission(limiter, reservation, plan));
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

	/**
	 * Whether Redis is answering now (if not, the failure policy decides).
	 *
	 * @return true while Redis answers
	 */
	public boolean available() {
		return limiters.available();
	}

	/**
	 * {@code redis} or {@code redis-cluster} while Redis decides; {@code redis-unavailable} or
	 * {@code redis-cluster-unavailable}, then the failure policy that decides meanwhile
	 * ({@code fail-open} or {@code fail-closed}), while it does not.
	 */
	@Override
	public String state() {
		String kind = limiters.cluster() ? "redis-cluster" : "redis";
		return limiters.available() ? kind : kind + "-unavailable, "
				+ limiters.config().failurePolicy().name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	@Override
	public void close() {
		limiters.close();
	}
}
