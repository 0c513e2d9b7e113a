package io.gopherflux.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

import reactor.core.scheduler.Scheduler;

/**
 * Several local limiters acting as one, as the book's {@code multiLimiter}: a request is granted
 * only when every one of them grants it. Typical use is tiers of the same resource (2 per second
 * and 10 per minute) or several resources one call needs (the API, and the disk or the network).
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
 * A {@code MultiLimiter} is itself a {@link LocalRateLimiter}, so multi-limiters nest; a nested one
 * decides as if its limiters were listed in the outer one. Its {@link #tryAcquire(int)} allocates
 * nothing when its limiters are {@link TokenBucket}s (nested or not). Its {@link #scheduler()}
 * (timers, deadlines) is the most restrictive limiter's. Limiters kept elsewhere (Redis) combine
 * their tiers themselves, in one round trip, rather than here.
 */
public final class MultiLimiter implements LocalRateLimiter {

	private final LocalRateLimiter[] limiters;
	/** The limiters that decide: those given, with nested multi-limiters replaced by theirs, most restrictive first. */
	private final LocalRateLimiter[] leaves;
	private final String name;
	private final int burst;

	private MultiLimiter(LocalRateLimiter[] limiters) {
		this.limiters = limiters;
		Arrays.sort(this.limiters, Comparator.comparing(RateLimiter::limit));
		List<LocalRateLimiter> deciding = new ArrayList<>();
		StringJoiner names = new StringJoiner("+");
		int min = Integer.MAX_VALUE;
		for (LocalRateLimiter limiter : limiters) {
			names.add(limiter.name());
			if (!limiter.limit().isInfinite()) {
				min = Math.min(min, limiter.burst());
			}
			if (limiter instanceof MultiLimiter multi) {
				deciding.addAll(Arrays.asList(multi.leaves));
			}
			else {
				deciding.add(limiter);
			}
		}
		deciding.sort(Comparator.comparing(RateLimiter::limit));
		this.leaves = deciding.toArray(new LocalRateLimiter[0]);
		this.name = names.toString();
		this.burst = min;
	}

	/**
	 * A limiter that grants a request when all of {@code limiters} grant it.
	 *
	 * @param limiters the limiters, at least one
	 * @return the multi-limiter
	 * @throws IllegalArgumentException if there are none
	 */
	public static MultiLimiter of(LocalRateLimiter... limiters) {
		Objects.requireNonNull(limiters, "limiters");
		return of(Arrays.asList(limiters));
	}

	/**
	 * A limiter that grants a request when all of {@code limiters} grant it.
	 *
	 * @param limiters the limiters, at least one
	 * @return the multi-limiter
	 * @throws IllegalArgumentException if there are none
	 */
	public static MultiLimiter of(List<? extends LocalRateLimiter> limiters) {
		Objects.requireNonNull(limiters, "limiters");
		if (limiters.isEmpty()) {
			throw new IllegalArgumentException("limiters must not be empty");
		}
		LocalRateLimiter[] copy = new LocalRateLimiter[limiters.size()];
		for (int i = 0; i < copy.length; i++) {
			copy[i] = Objects.requireNonNull(limiters.get(i), "limiters[" + i + "]");
		}
		return new MultiLimiter(copy);
	}

	/**
	 * The limiters, most restrictive first.
	 *
	 * @return the limiters as given (a nested multi-limiter is one of them)
	 */
	public List<LocalRateLimiter> limiters() {
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

	/**
	 * Takes the permits from every limiter if all have them now, or from none: what the first ones
	 * granted is given back when a later one refuses.
	 */
	@Override
	public boolean tryAcquire(int permits) {
		RateLimiter.requirePermits(permits);
		return takeFrom(0, permits);
	}

	/**
	 * Takes the permits from {@code leaves[i]} and every leaf after it, or from none. Recursive so
	 * that what each bucket granted is held on the stack, not in an allocated reservation.
	 */
	private boolean takeFrom(int i, int permits) {
		if (i == leaves.length) {
			return true;
		}
		LocalRateLimiter leaf = leaves[i];
		if (leaf instanceof TokenBucket bucket) {
			long tat = bucket.takeNow(permits);
			if (tat == TokenBucket.NOT_TAKEN) {
				return false;
			}
			if (takeFrom(i + 1, permits)) {
				return true;
			}
			bucket.untake(permits, tat);
			return false;
		}
		Reservation r = leaf.reserveNow(permits, Duration.ZERO);
		if (!r.ok()) {
			return false;
		}
		if (takeFrom(i + 1, permits)) {
			return true;
		}
		r.undo();
		return false;
	}

	/**
	 * Reserves on every limiter; the combined reservation's delay is the longest of theirs, and
	 * cancelling it cancels all of them. If one limiter refuses (or would make the request wait
	 * longer than {@code maxWait}), what the others reserved is given back and the result is not
	 * {@link Reservation#ok() ok}.
	 */
	@Override
	public Reservation reserveNow(int permits, Duration maxWait) {
		RateLimiter.requirePermits(permits);
		RateLimiter.requireMaxWaitNanos(maxWait);
		Reservation[] reservations = new Reservation[leaves.length];
		for (int i = 0; i < leaves.length; i++) {
			Reservation r = leaves[i].reserveNow(permits, maxWait);
			if (!r.ok()) {
				for (int j = i - 1; j >= 0; j--) {
					reservations[j].undo();
				}
				return r;
			}
			reservations[i] = r;
		}
		return new MultiReservation(permits, reservations);
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

		@Override
		public void undo() {
			for (int i = reservations.length - 1; i >= 0; i--) {
				reservations[i].undo();
			}
		}
	}
}
