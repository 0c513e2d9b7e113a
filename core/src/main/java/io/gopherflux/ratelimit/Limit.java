package io.gopherflux.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * How often events may happen, in events per second, as Go's {@code rate.Limit}.
 * <p>
 * {@link #INF} means no limit at all; {@link #ZERO} means the bucket never refills, so only its
 * initial burst is ever allowed. Limits order from the most restrictive (smallest) to the least.
 *
 * @param perSecond events per second: zero, positive, or positive infinity
 */
public record Limit(double perSecond) implements Comparable<Limit> {

	/** No limit: every request is allowed at once, whatever its size. */
	public static final Limit INF = new Limit(Double.POSITIVE_INFINITY);

	/** A bucket that never refills: only the initial burst is allowed. */
	public static final Limit ZERO = new Limit(0);

	private static final double NANOS_PER_SECOND = 1e9;

	/**
	 * Validates the rate.
	 *
	 * @param perSecond events per second: zero for none, {@link Double#POSITIVE_INFINITY} for no limit
	 * @throws IllegalArgumentException if {@code perSecond} is negative or NaN
	 */
	public Limit {
		if (Double.isNaN(perSecond) || perSecond < 0) {
			throw new IllegalArgumentException("perSecond must be zero or positive, was " + perSecond);
		}
	}

	/**
	 * A limit of {@code perSecond} events per second.
	 *
	 * @param perSecond events per second
	 * @return the limit
	 * @throws IllegalArgumentException if {@code perSecond} is negative or NaN
	 */
	public static Limit of(double perSecond) {
		return new Limit(perSecond);
	}

	/**
	 * A limit of one event every {@code interval}, as Go's {@code rate.Every}; a zero interval is
	 * {@link #INF}.
	 *
	 * @param interval the time between two events
	 * @return the limit
	 * @throws IllegalArgumentException if {@code interval} is negative
	 */
	public static Limit every(Duration interval) {
		Objects.requireNonNull(interval, "interval");
		if (interval.isNegative()) {
			throw new IllegalArgumentException("interval must not be negative, was " + interval);
		}
		if (interval.isZero()) {
			return INF;
		}
		return new Limit(NANOS_PER_SECOND / nanos(interval));
	}

	/**
	 * A limit of {@code count} events per {@code period}, as the book's {@code Per}: for example
	 * {@code per(10, Duration.ofMinutes(1))}. Unlike the book's version, which divides the period
	 * by the count in whole nanoseconds, the rate is computed without truncation.
	 *
	 * @param count  how many events
	 * @param period in how long
	 * @return the limit
	 * @throws IllegalArgumentException if {@code count} is negative or {@code period} not positive
	 */
	public static Limit per(long count, Duration period) {
		Objects.requireNonNull(period, "period");
		if (count < 0) {
			throw new IllegalArgumentException("count must not be negative, was " + count);
		}
		if (period.isNegative() || period.isZero()) {
			throw new IllegalArgumentException("period must be positive, was " + period);
		}
		return new Limit(count * NANOS_PER_SECOND / nanos(period));
	}

	/**
	 * Whether this is {@link #INF}.
	 *
	 * @return whether there is no limit
	 */
	public boolean isInfinite() {
		return Double.isInfinite(perSecond);
	}

	/**
	 * Whether this is {@link #ZERO}.
	 *
	 * @return whether no event is allowed
	 */
	public boolean isZero() {
		return perSecond == 0;
	}

	@Override
	public int compareTo(Limit other) {
		return Double.compare(perSecond, other.perSecond);
	}

	@Override
	public String toString() {
		return isInfinite() ? "unlimited" : perSecond + "/s";
	}

	private static double nanos(Duration d) {
		return d.getSeconds() * NANOS_PER_SECOND + d.getNano();
	}
}
