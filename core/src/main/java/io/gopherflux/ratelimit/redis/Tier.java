package io.gopherflux.ratelimit.redis;

import java.util.Objects;

import io.gopherflux.ratelimit.Limit;

/**
 * One token bucket of a {@link RedisRateLimiter}: a rate and a depth, named so that its Redis key
 * and the {@code RateLimit-Policy} a server announces can say which tier it is (for example
 * {@code per-second} and {@code per-minute}). A limiter with several tiers grants a request only
 * when every tier does, and decides it in one round trip.
 *
 * @param name  the tier's name, the last part of its Redis key: not empty, no braces or whitespace
 * @param limit the rate at which tokens come back: positive, or {@link Limit#INF} for a tier that
 *              never limits (and costs no Redis key)
 * @param burst the most tokens that can be taken at once; a bucket starts full
 */
public record Tier(String name, Limit limit, int burst) {

	/** The longest a full bucket may stand for, in microseconds (about three years), so that a key's TTL stays exact. */
	static final double MAX_TOLERANCE_MICROS = 1e14;

	/**
	 * Validates the tier.
	 *
	 * @param name  what the tier is called, part of its Redis key
	 * @param limit the rate at which tokens come back
	 * @param burst the most tokens that can be taken at once
	 * @throws NullPointerException     if {@code name} or {@code limit} is {@code null}
	 * @throws IllegalArgumentException if {@code name} is empty or has braces or whitespace,
	 *                                  {@code burst} is less than 1, {@code limit} is
	 *                                  {@link Limit#ZERO} (a bucket that never refills would need
	 *                                  a key that never expires) or so slow that a full bucket
	 *                                  would stand for more than about three years
	 */
	public Tier {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(limit, "limit");
		if (name.isEmpty() || name.chars().anyMatch(c -> c == '{' || c == '}' || Character.isWhitespace(c))) {
			throw new IllegalArgumentException("name must be non-empty without braces or whitespace, was '" + name + "'");
		}
		if (burst < 1) {
			throw new IllegalArgumentException("burst must be at least 1, was " + burst);
		}
		if (limit.isZero()) {
			throw new IllegalArgumentException("limit must be positive for a Redis tier, was " + limit
					+ ": a bucket that never refills would need a key that never expires");
		}
		if (!limit.isInfinite() && 1e6 / limit.perSecond() * burst > MAX_TOLERANCE_MICROS) {
			throw new IllegalArgumentException("limit " + limit + " is too slow for burst " + burst
					+ ": a full bucket would stand for more than 3 years");
		}
	}

	/**
	 * A tier of {@code limit} and {@code burst} named {@code name}.
	 *
	 * @param name  what the tier is called, part of its Redis key
	 * @param limit the rate at which tokens come back
	 * @param burst the most tokens that can be taken at once
	 * @return the tier
	 * @throws IllegalArgumentException as {@link #Tier(String, Limit, int)} does
	 */
	public static Tier of(String name, Limit limit, int burst) {
		return new Tier(name, limit, burst);
	}

	/** Microseconds between two tokens coming back (zero when unlimited). */
	double intervalMicros() {
		return limit.isInfinite() ? 0 : 1e6 / limit.perSecond();
	}
}
