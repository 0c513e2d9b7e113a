package io.gopherflux.ratelimit;

import java.time.Duration;
import java.util.Objects;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A token-bucket rate limiter with the operations of Go's {@code golang.org/x/time/rate}, asynchronous
 * at its root so that a limiter kept over the network is one as much as one kept in memory:
 * {@link #reserve(int, Duration)} ({@code ReserveN}, as a {@link Mono} of the {@link Reservation}) is
 * the one decision every implementation makes, and {@link #acquire(int)} ({@code WaitN}) is built
 * on it here, once, for all of them: it reads the deadline in the subscriber's {@code Context},
 * honours a maximum wait, waits on a timer of {@link #scheduler()} without blocking a thread, gives
 * the tokens back when cancelled, and reports a refusal as one of the {@link RateLimitException}s.
 * The book's {@link #limit()} and {@link #burst()} let limiters be combined and sized.
 * <p>
 * Implementations:
 * <ul>
 * <li>{@link LocalRateLimiter}, a limiter in this process, which also decides synchronously and
 * without allocating ({@link LocalRateLimiter#tryAcquire(int) tryAcquire}, {@code AllowN}): the
 * {@link TokenBucket} and the {@link MultiLimiter} of several local limiters;</li>
 * <li>{@link io.gopherflux.ratelimit.redis.RedisRateLimiter}, a budget kept in Redis and shared by
 * every process, one round trip per decision.</li>
 * </ul>
 * The operators of {@link RateLimit} take the synchronous path of a {@link LocalRateLimiter} and ask
 * any other limiter exactly once per decision. No method of any implementation blocks, or refuses,
 * because of the thread it is called on. All methods are thread-safe.
 */
public interface RateLimiter {

	/** The longest wait a {@link Duration} of nanoseconds can say, {@link Long#MAX_VALUE} ns: "no maximum". */
	Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

	/**
	 * The longest wait any limiter grants, 2<sup>57</sup> ns (about 4.5 years): a reservation that would
	 * wait longer is refused as one no wait could grant, so that no limiter's arithmetic overflows.
	 */
	Duration LONGEST_WAIT = Duration.ofNanos(1L << 57);

	/**
	 * The name this limiter is known by in errors and metrics.
	 *
	 * @return the name
	 */
	String name();

	/**
	 * The rate at which tokens come back; for a limiter of several tiers, its most restrictive one.
	 *
	 * @return the limit
	 */
	Limit limit();

	/**
	 * The most tokens that can be taken at once.
	 *
	 * @return the burst; {@link Integer#MAX_VALUE} when nothing limits it
	 */
	int burst();

	/**
	 * The scheduler whose timers {@link #acquire(int)} waits on and whose clock deadlines are read on.
	 *
	 * @return the scheduler
	 */
	Scheduler scheduler();

	/**
	 * A {@link Mono} that, on each subscription, reserves {@code permits} tokens if the wait for them
	 * is at most {@code maxWait}, and emits the {@link Reservation}: {@link Reservation#ok() ok} with
	 * the wait before the holder may act, or not ok, having taken nothing, with the wait that would
	 * have been needed ({@link Long#MAX_VALUE} nanoseconds when no wait could grant them: more
	 * permits than the burst, a zero rate, a wait past {@link #LONGEST_WAIT}). This is Go's
	 * {@code ReserveN} with a maximum wait.
	 * <p>
	 * The holder of an ok reservation either acts once its {@link Reservation#delay() delay} has
	 * passed or {@link Reservation#cancel() cancels} it. Cancelling the {@code Mono} before it emits
	 * gives back whatever was reserved for it. A limiter that cannot decide (a remote one that is
	 * unavailable) fails the {@code Mono} with an error of its own, documented by the implementation.
	 *
	 * @param permits how many tokens
	 * @param maxWait the longest wait accepted; {@link #FOREVER} for no maximum
	 * @return a cold {@code Mono} of one reservation per subscription
	 * @throws IllegalArgumentException if {@code permits} is less than 1 or {@code maxWait} negative
	 * @throws NullPointerException     if {@code maxWait} is {@code null}
	 */
	Mono<? extends Reservation> reserve(int permits, Duration maxWait);

	/**
	 * {@link #reserve(int, Duration)} with no maximum wait, as Go's {@code ReserveN}.
	 *
	 * @param permits how many tokens
	 * @return a cold {@code Mono} of one reservation per subscription
	 * @throws IllegalArgumentException if {@code permits} is less than 1
	 */
	default Mono<? extends Reservation> reserve(int permits) {
		return reserve(permits, FOREVER);
	}

	/**
	 * {@code acquire(1)}.
	 *
	 * @return a cold {@code Mono} that completes when the permit is granted
	 */
	default Mono<Void> acquire() {
		return acquire(1);
	}

	/**
	 * A {@link Mono} that, on each subscription, reserves {@code permits} tokens and completes when
	 * they are granted: at once if they are available, otherwise on a timer of {@link #scheduler()},
	 * never blocking a thread (Go's {@code WaitN}). It asks the limiter once, with
	 * {@link #reserve(int, Duration)}.
	 * <p>
	 * It fails, without taking anything, with {@link BurstExceededException} if {@code permits}
	 * exceeds {@link #burst()} (without asking the limiter), with {@link WaitPastDeadlineException}
	 * if the deadline found in the subscriber's {@code Context} (see
	 * {@link io.gopherflux.context.Deadline}) has already passed or the wait would end after it, and
	 * with {@link PermitsDeniedException} if no wait could grant them; a limiter that cannot decide
	 * fails it with its own error. Cancelling it before it completes gives the tokens back: a
	 * subscription cancelled before the limiter is asked (in {@code onSubscribe}) takes nothing; one
	 * cancelled while the limiter decides gives back what it reserved; one cancelled during the wait
	 * cancels the reservation (see {@link Reservation#cancel()}) and stops the timer.
	 *
	 * @param permits how many tokens
	 * @return a cold {@code Mono} that completes when the permits are granted
	 * @throws IllegalArgumentException if {@code permits} is less than 1
	 */
	default Mono<Void> acquire(int permits) {
		return acquire(permits, FOREVER);
	}

	/**
	 * {@link #acquire(int)} that also fails at once, with {@link WaitPastDeadlineException}, if the
	 * wait would be longer than {@code maxWait} (the earlier of this and a deadline in the
	 * {@code Context} applies, and the error says which).
	 *
	 * @param permits how many tokens
	 * @param maxWait the longest wait accepted; {@link #FOREVER} for no maximum
	 * @return a cold {@code Mono} that completes when the permits are granted
	 * @throws IllegalArgumentException if {@code permits} is less than 1 or {@code maxWait} negative
	 * @throws NullPointerException     if {@code maxWait} is {@code null}
	 */
	default Mono<Void> acquire(int permits, Duration maxWait) {
		return MonoAcquire.of(this, requirePermits(permits), requireMaxWaitNanos(maxWait));
	}

	/**
	 * Checks a number of permits, for implementations.
	 *
	 * @param permits the permits asked for
	 * @return {@code permits}
	 * @throws IllegalArgumentException if {@code permits} is less than 1
	 */
	static int requirePermits(int permits) {
		if (permits < 1) {
			throw new IllegalArgumentException("permits must be at least 1, was " + permits);
		}
		return permits;
	}

	/**
	 * Checks a maximum wait and returns it in nanoseconds, for implementations; a wait too long for a
	 * {@code long} of nanoseconds is {@link Long#MAX_VALUE}, as {@link #FOREVER} is.
	 *
	 * @param maxWait the maximum wait
	 * @return {@code maxWait} in nanoseconds, at most {@link Long#MAX_VALUE}
	 * @throws IllegalArgumentException if {@code maxWait} is negative
	 * @throws NullPointerException     if {@code maxWait} is {@code null}
	 */
	static long requireMaxWaitNanos(Duration maxWait) {
		Objects.requireNonNull(maxWait, "maxWait");
		if (maxWait.isNegative()) {
			throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
		}
		return maxWait.compareTo(FOREVER) >= 0 ? Long.MAX_VALUE : maxWait.toNanos();
	}
}
