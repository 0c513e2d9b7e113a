package io.gopherflux.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import io.gopherflux.context.Deadline;
import reactor.core.publisher.Mono;

/** The waiting acquire shared by every {@link RateLimiter}: reserve, then wait on a timer. */
final class Acquire {

	/** The longest wait a {@link Duration} of nanoseconds can say: "no maximum". */
	static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

	private Acquire() {
	}

	static Mono<Void> mono(RateLimiter limiter, int permits, Duration maxWait) {
		checkPermits(permits);
		long maxWaitNanos = checkMaxWait(maxWait);
		return Mono.deferContextual(ctx -> {
			if (permits > limiter.burst() && !limiter.limit().isInfinite()) {
				return Mono.error(new BurstExceededException(limiter.name(), permits, limiter.burst()));
			}
			long allowed = maxWaitNanos;
			Optional<Instant> deadline = Deadline.of(ctx);
			if (deadline.isPresent()) {
				Instant now = Deadline.now(limiter.scheduler());
				allowed = Math.min(allowed, Math.max(0, saturatedNanos(Duration.between(now, deadline.get()))));
			}
			Reservation reservation = limiter.reserve(permits, Duration.ofNanos(allowed));
			if (!reservation.ok()) {
				if (reservation.delayNanos() == Long.MAX_VALUE) {
					return Mono.error(new PermitsDeniedException(limiter.name(), permits));
				}
				return Mono.error(new WaitPastDeadlineException(limiter.name(), permits, reservation.delayNanos(), allowed));
			}
			long delay = reservation.delayNanos();
			if (delay == 0) {
				return Mono.empty();
			}
			// Cancelled before the timer fires: the reservation's tokens go back to the limiter.
			return Mono.delay(Duration.ofNanos(delay), limiter.scheduler())
					.then()
					.doOnCancel(reservation::cancel);
		});
	}

	static void checkPermits(int permits) {
		if (permits < 1) {
			throw new IllegalArgumentException("permits must be at least 1, was " + permits);
		}
	}

	/** Validates a maximum wait and returns it in nanoseconds, saturated at {@link Long#MAX_VALUE}. */
	static long checkMaxWait(Duration maxWait) {
		Objects.requireNonNull(maxWait, "maxWait");
		if (maxWait.isNegative()) {
			throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
		}
		return saturatedNanos(maxWait);
	}

	static long saturatedNanos(Duration d) {
		try {
			return d.toNanos();
		}
		catch (ArithmeticException overflow) {
			return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
		}
	}
}
