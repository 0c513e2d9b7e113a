package io.gopherflux.ratelimit;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

import reactor.core.scheduler.Scheduler;

/**
 * Several limiters acting as one, as the book's {@code multiLimiter}: a request is granted only
 * when every one of them grants it. Typical use is tiers of the same resource (2 per second and 10
 * per minute) or several resources one call needs (the API, and the disk or the network).
 * <p>
 * The limiters are kept sorted from the most restrictive {@link Limit} to the least, so that
 * {@link #limit()} is the first one's, as in the book, and a request that one of them refuses is
 * refused as early as possible. Where the book waits on each limiter in turn, this limiter
 * reserves on all of them at once and waits once, for the longest of their waits: the book shows
 * the two come to the same wait, and reserving first lets a request fail fast on a deadline before
 * waiting at all, lets {@link #tryAcquire(int)} take all or nothing, and lets a cancellation give
 * back the tokens of every limiter. A request refused by one limiter gives back what it had
 * already taken from the others.
 * <p>
 * A {@code MultiLimiter} is itself a {@link RateLimiter}, so multi-limiters nest. Its
 * {@link #scheduler()} (timers, deadlines) is the most restrictive limiter's.
 */
public final class MultiLimiter implements RateLimiter {

	private final RateLimiter[] limiters;
	private final String name;
	private final int burst;

	private MultiLimiter(RateLimiter[] limiters) {
		this.limiters = limiters;
		Arrays.sort(this.limiters, Comparator.comparing(RateLimiter::limit));
		StringJoiner names = new StringJoiner("+");
		int min = Integer.MAX_VALUE;
		for (RateLimiter limiter : limiters) {
			names.add(limiter.name());
			if (!limiter.limit().isInfinite()) {
				min = Math.min(min, limiter.burst());
			}
		}
		this.name = names.toString();
		this.burst = min;
	}

	/**
	 * A limiter that grants a request when all of {@code limiters} grant it.
	 *
	 * @throws IllegalArgumentException if there are none
	 */
	public static MultiLimiter of(RateLimiter... limiters) {
		Objects.requireNonNull(limiters, "limiters");
		return of(Arrays.asList(limiters));
	}

	/**
	 * A limiter that grants a request when all of {@code limiters} grant it.
	 *
	 * @throws IllegalArgumentException if there are none
	 */
	public static MultiLimiter of(List<? extends RateLimiter> limiters) {
		Objects.requireNonNull(limiters, "limiters");
		if (limiters.isEmpty()) {
			throw new IllegalArgumentException("limiters must not be empty");
		}
		RateLimiter[] copy = new RateLimiter[limiters.size()];
		for (int i = 0; i < copy.length; i++) {
			copy[i] = Objects.requireNonNull(limiters.get(i), "limiters[" + i + "]");
		}
		return new MultiLimiter(copy);
	}

	/** The limiters, most restrictive first. */
	public List<RateLimiter> limiters() {
		return List.of(limiters);
	}

	/** The names of the limiters, most restrictive first, joined by {@code +}. */
	@Override
	public String name() {
		return name;
	}

	/** The most restrictive limit, as the book's {@code Limit()}. */
	@Override
	public Limit limit() {
		return limiters[0].limit();
	}

	/** The smallest burst of the limiters that have one: no request larger than it is ever granted. */
	@Override
	public int burst() {
		return burst;
	}

	@Override
	public Scheduler scheduler() {
		return limiters[0].scheduler();
	}

	/** Takes the permits from every limiter if all have them now, or from none. */
	@Override
	public boolean tryAcquire(int permits) {
		return reserve(permits, Duration.ZERO).ok();
	}

	/**
	 * Reserves on every limiter; the combined reservation's delay is the longest of theirs, and
	 * cancelling it cancels all of them. If one limiter refuses (or would make the request wait
	 * longer than {@code maxWait}), what the others reserved is given back and the result is not
	 * {@link Reservation#ok() ok}.
	 */
	@Override
	public Reservation reserve(int permits, Duration maxWait) {
		Acquire.checkPermits(permits);
		Acquire.checkMaxWait(maxWait);
		Reservation[] reservations = new Reservation[limiters.length];
		for (int i = 0; i < limiters.length; i++) {
			Reservation r = limiters[i].reserve(permits, maxWait);
			if (!r.ok()) {
				for (int j = i - 1; j >= 0; j--) {
					undo(reservations[j]);
				}
				return r;
			}
			reservations[i] = r;
		}
		return new MultiReservation(permits, reservations);
	}

	/** Gives back tokens the request never used, even those granted without a wait. */
	static void undo(Reservation r) {
		if (r instanceof TokenBucket.BucketReservation b) {
			b.undo();
		}
		else if (r instanceof MultiReservation m) {
			m.undo();
		}
		else {
			r.cancel();
		}
	}

	@Override
	public String toString() {
		return "MultiLimiter" + Arrays.toString(limiters);
	}

	static final class MultiReservation implements Reservation {

		final int permits;
		final Reservation[] reservations;

		MultiReservation(int permits, Reservation[] reservations) {
			this.permits = permits;
			this.reservations = reservations;
		}

		@Override
		public boolean ok() {
			return true;
		}

		@Override
		public int permits() {
			return permits;
		}

		@Override
		public long delayNanos() {
			long max = 0;
			for (Reservation r : reservations) {
				max = Math.max(max, r.delayNanos());
			}
			return max;
		}

		/**
		 * Until the longest wait is over the request has not acted, so every limiter gets its
		 * tokens back, even one whose own wait was shorter; after that, each limiter's own rule.
		 */
		@Override
		public void cancel() {
			if (delayNanos() > 0) {
				undo();
				return;
			}
			for (int i = reservations.length - 1; i >= 0; i--) {
				reservations[i].cancel();
			}
		}

		void undo() {
			for (int i = reservations.length - 1; i >= 0; i--) {
				MultiLimiter.undo(reservations[i]);
			}
		}
	}
}
