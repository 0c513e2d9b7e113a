package io.gopherflux.ratelimit.redis;

import java.util.List;

import io.gopherflux.ratelimit.Reservation;

/**
 * A {@link Reservation} from a {@link RedisRateLimiter} that also tells the state of each tier
 * right after the decision, read from the same round trip: what a server needs for the
 * {@code RateLimit} header fields (remaining quota per policy) without asking again.
 */
public interface TieredReservation extends Reservation {

	/**
	 * The tokens each tier had right after this decision, in the order of
	 * {@link RedisRateLimiter#tiers()} (most restrictive first): after taking this reservation's
	 * permits if it is {@link #ok()}, untouched if not; a fraction while a token is coming back,
	 * negative while reservations run ahead, {@link Double#POSITIVE_INFINITY} for an unlimited tier.
	 * Read from Redis, or from the in-process buckets when the failure policy decided. Empty when
	 * no bucket was consulted (more permits than the burst).
	 *
	 * @return the tokens per tier
	 */
	List<Double> tokens();
}
