package io.gopherflux.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import reactor.core.scheduler.Scheduler;

/**
 * A token bucket of rate {@code r} and depth {@code b}, with the semantics of Go's
 * {@code rate.Limiter}: it starts full, tokens come back at {@code r} per second up to {@code b},
 * and reservations may take tokens ahead of time, making later callers wait.
 * <p>
 * It is implemented as the generic cell rate algorithm: the whole state is one number, the
 * <em>theoretical arrival time</em> (TAT) at which the bucket would be full again, held in one
 * atomic long and moved forward by compare-and-set. Taking {@code n} tokens at time {@code t}
 * moves it to {@code max(TAT, t) + n/r}, allowed at once if that is at most {@code t + b/r} ahead.
 * So {@link #tryAcquire(int)} is lock-free and allocates nothing: one clock read and, usually, one
 * CAS.
 * <p>
 * Time is counted in ticks of 1/16 ns from the bucket's creation, so that rates whose interval
 * is not a whole number of nanoseconds (3 per second) stay accurate: the interval is rounded up
 * to a tick, so the bucket is never faster than its limit and slower by less than one part in a
 * million up to 16 000 events a second (0.06% at 10 million). Ticks overflow after about 18
 * years of the bucket's clock, less how far ahead its reservations reach. The clock is
 * {@link TokenBucketConfig#clock()}: its scheduler's by default, so a bucket made inside
 * {@code StepVerifier.withVirtualTime}'s supplier with the default scheduler is on virtual time.
 * <p>
 * A {@link LocalRateLimiter}: {@link #tryAcquire(int)} and {@link #reserveNow(int, Duration)} decide
 * on the calling thread; {@link #reserve(int, Duration)} and {@link #acquire(int)} are the
 * asynchronous forms every {@link RateLimiter} has.
 */
public final class TokenBucket implements LocalRateLimiter {

	static final int TICK_SHIFT = 4;
	static final double TICKS_PER_SECOND = 1e9 * (1 << TICK_SHIFT);

	/** Reservations further ahead than {@link RateLimiter#LONGEST_WAIT} are refused, so the TAT cannot overflow. */
	private static final long MAX_WAIT_TICKS = LONGEST_WAIT.toNanos() << TICK_SHIFT;

	/** What {@link #takeNow(int)} answers when it took nothing: no TAT is ever this low. */
	static final long NOT_TAKEN = Long.MIN_VALUE;

	private final TokenBucketConfig config;
	private final long interval;
	private final long tolerance;
	private final int burst;
	private final boolean unlimited;
	private final boolean zeroRate;
	private final boolean systemClock;
	private final NanoClock clock;
	private final long origin;
	private final RateLimiterMetrics metrics;

	/**
	 * The TAT: ticks since {@link #origin} at which the bucket would be full again. It sits alone
	 * in the middle of this array, {@value #PAD} longs from either end, so that a CAS by one thread
	 * does not evict the read-only fields above from the cache of another (false sharing doubled
	 * the two-thread cost in the benchmark, see docs/benchmarks.md). Accessed only through {@link #TAT}.
	 */
	private final long[] cell = new long[2 * PAD + 1];
	private static final int PAD = 16;
	private static final VarHandle TAT = MethodHandles.arrayElementVarHandle(long[].class);

	private TokenBucket(TokenBucketConfig config) {
		this.config = config;
		this.burst = config.burst();
		this.metrics = config.metrics();
		Limit limit = config.limit();
		this.unlimited = limit.isInfinite();
		this.zeroRate = limit.isZero();
		if (zeroRate) {
			// Nothing ever comes back: time stands still for this bucket, and a token is one tick.
			this.clock = () -> 0L;
			this.interval = 1;
		}
		else {
			this.clock = config.clock();
			// Rounded up: the bucket may be a hair slower than its limit, never faster.
			this.interval = unlimited ? 0 : Math.max(1, (long) Math.ceil(TICKS_PER_SECOND / limit.perSecond()));
		}
		this.tolerance = interval * burst;
		this.systemClock = clock == NanoClock.system();
		this.origin = clock.nanoTime();
	}

	/**
	 * A bucket of rate {@code limit} and depth {@code burst}, with every other setting at its default.
	 *
	 * @param limit the rate at which tokens come back
	 * @param burst the bucket's depth
	 * @return the bucket, full
	 * @throws IllegalArgumentException if {@code burst} is less than 1 or the limit too slow for it
	 */
	public static TokenBucket of(Limit limit, int burst) {
		return of(TokenBucketConfig.builder(limit, burst).build());
	}

	/**
	 * A bucket configured by {@code config}.
	 *
	 * @param config the configuration
	 * @return the bucket, full
	 */
	public static TokenBucket of(TokenBucketConfig config) {
		return new TokenBucket(Objects.requireNonNull(config, "config"));
	}

	/**
	 * This bucket's configuration.
	 *
	 * @return the configuration
	 */
	public TokenBucketConfig config() {
		return config;
	}

	@Override
	public String name() {
		return config.name();
	}

	@Override
	public Limit limit() {
		return config.limit();
	}

	@Override
	public int burst() {
		return burst;
	}

	@Override
	public Scheduler scheduler() {
		return config.scheduler();
	}

	/**
	 * The tokens in the bucket now, as Go's {@code Tokens}: a fraction while one is coming back,
	 * negative while reservations have taken tokens ahead of time; infinite when unlimited.
	 *
	 * @return the tokens
	 */
	public double tokens() {
		if (unlimited) {
			return Double.POSITIVE_INFINITY;
		}
		long now = nowTicks();
		return burst - (double) (Math.max(tat(), now) - now) / interval;
	}

	@Override
	public boolean tryAcquire(int permits) {
		return takeNow(permits) != NOT_TAKEN;
	}

	/**
	 * {@link #tryAcquire(int)} that tells, when it took the tokens, the TAT right after taking them
	 * (what {@link #untake(int, long)} needs to give them back); {@link #NOT_TAKEN} when it did not.
	 */
	long takeNow(int permits) {
		RateLimiter.requirePermits(permits);
		if (unlimited) {
			metrics.granted(permits);
			return 0;
		}
		if (permits <= burst) {
			long increment = permits * interval;
			long now = nowTicks();
			for (;;) {
				long current = tat();
				long next = Math.max(current, now) + increment;
				if (next - now > tolerance) {
					break;
				}
				if (TAT.compareAndSet(cell, PAD, current, next)) {
					metrics.granted(permits);
					return next;
				}
			}
		}
		metrics.denied(permits);
		return NOT_TAKEN;
	}

	/** Gives back tokens {@link #takeNow(int)} took and nobody used, as {@link Reservation#undo()} does. */
	void untake(int permits, long tatAfter) {
		if (!unlimited) {
			giveBack(permits * interval, tatAfter, 0, true);
		}
	}

	@Override
	public Reservation reserveNow(int permits, Duration maxWait) {
		RateLimiter.requirePermits(permits);
		long maxWaitNanos = RateLimiter.requireMaxWaitNanos(maxWait);
		if (unlimited) {
			metrics.granted(permits);
			metrics.waited(0);
			return new BucketReservation(this, permits, 0, 0, 0);
		}
		if (permits > burst) {
			metrics.denied(permits);
			return new DeniedReservation(permits, Long.MAX_VALUE);
		}
		long increment = permits * interval;
		long maxWaitTicks = maxWaitNanos > (Long.MAX_VALUE >> TICK_SHIFT) ? Long.MAX_VALUE : maxWaitNanos << TICK_SHIFT;
		long now = nowTicks();
		for (;;) {
			long current = tat();
			long next = Math.max(current, now) + increment;
			long wait = next - tolerance - now;
			if (wait > 0 && (zeroRate || wait > MAX_WAIT_TICKS || wait > maxWaitTicks)) {
				metrics.denied(permits);
				boolean never = zeroRate || wait > MAX_WAIT_TICKS;
				return new DeniedReservation(permits, never ? Long.MAX_VALUE : ceilNanos(wait));
			}
			if (TAT.compareAndSet(cell, PAD, current, next)) {
				long delay = Math.max(0, wait);
				metrics.granted(permits);
				metrics.waited(ceilNanos(delay));
				return new BucketReservation(this, permits, increment, next, now + delay);
			}
		}
	}

	/**
	 * Gives back the {@code increment} ticks of a reservation that left the TAT at {@code tatAfter},
	 * minus those that later reservations count on (x/time/rate's rule); unless {@code evenIfDue},
	 * nothing once its time to act, {@code act}, has passed.
	 */
	void giveBack(long increment, long tatAfter, long act, boolean evenIfDue) {
		long now = nowTicks();
		if (!evenIfDue && act < now) {
			return;
		}
		for (;;) {
			long current = tat();
			long restore = increment - Math.max(0, current - tatAfter);
			if (restore <= 0) {
				return;
			}
			long from = Math.max(current, now);
			long next = Math.max(from - restore, now);
			if (TAT.compareAndSet(cell, PAD, current, next)) {
				metrics.returned((double) (from - next) / interval);
				return;
			}
		}
	}

	private long tat() {
		return (long) TAT.getVolatile(cell, PAD);
	}

	private long nowTicks() {
		long nanos = systemClock ? System.nanoTime() : clock.nanoTime();
		return (nanos - origin) << TICK_SHIFT;
	}

	private long delayFromNow(long act) {
		return ceilNanos(Math.max(0, act - nowTicks()));
	}

	private static long ceilNanos(long ticks) {
		return (ticks + (1 << TICK_SHIFT) - 1) >> TICK_SHIFT;
	}

	@Override
	public String toString() {
		return "TokenBucket[" + config.name() + ", " + config.limit() + ", burst " + burst + "]";
	}

	/** Tokens taken from this bucket, ahead of time or not. */
	static final class BucketReservation implements Reservation {

		final TokenBucket bucket;
		final int permits;
		/** Ticks this reservation moved the TAT by; zero when the bucket is unlimited. */
		final long increment;
		/** The TAT right after this reservation. */
		final long tat;
		/** The tick at which the holder may act. */
		final long act;

		volatile int cancelled;
		static final AtomicIntegerFieldUpdater<BucketReservation> CANCELLED =
				AtomicIntegerFieldUpdater.newUpdater(BucketReservation.class, "cancelled");

		BucketReservation(TokenBucket bucket, int permits, long increment, long tat, long act) {
			this.bucket = bucket;
			this.permits = permits;
			this.increment = increment;
			this.tat = tat;
			this.act = act;
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
			return increment == 0 ? 0 : bucket.delayFromNow(act);
		}

		@Override
		public void cancel() {
			if (increment != 0 && CANCELLED.compareAndSet(this, 0, 1)) {
				bucket.giveBack(increment, tat, act, false);
			}
		}

		@Override
		public void undo() {
			if (increment != 0 && CANCELLED.compareAndSet(this, 0, 1)) {
				bucket.giveBack(increment, tat, act, true);
			}
		}
	}

	/** Nothing taken; {@code neededNanos} is the wait it would have needed. */
	record DeniedReservation(int permits, long neededNanos) implements Reservation {

		@Override
		public boolean ok() {
			return false;
		}

		@Override
		public long delayNanos() {
			return neededNanos;
		}

		@Override
		public void cancel() {
		}
	}
}
