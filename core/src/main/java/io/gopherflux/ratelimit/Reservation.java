package io.gopherflux.ratelimit;

import java.time.Duration;

/**
 * Permits reserved from a {@link RateLimiter}, as Go's {@code rate.Reservation}: the holder may act
 * once {@link #delayNanos()} has passed, or {@link #cancel()} to give the tokens back.
 * <p>
 * A reservation that is not {@link #ok()} took nothing from the limiter: the permits exceed the
 * burst, the limit is zero and the burst is used up, or the wait would have been longer than the
 * maximum the caller allowed.
 */
public interface Reservation {

	/**
	 * Whether the permits were reserved; if not, nothing was taken and {@link #cancel()} does nothing.
	 *
	 * @return whether the permits were reserved
	 */
	boolean ok();

	/**
	 * How many permits this reservation is for.
	 *
	 * @return the permits
	 */
	int permits();

	/**
	 * If {@link #ok()}: how long from now, on the limiter's clock, until the holder may act (zero
	 * once that time has come). If not: the wait that would have been needed when it was made, or
	 * {@link Long#MAX_VALUE} when no wait could have granted it.
	 *
	 * @return the delay in nanoseconds
	 */
	long delayNanos();

	/**
	 * {@link #delayNanos()} as a {@link Duration}.
	 *
	 * @return the delay
	 */
	default Duration delay() {
		return Duration.ofNanos(delayNanos());
	}

	/**
	 * Says that the holder will not act, and gives back as many tokens as the limiter can, with the
	 * rule of Go's {@code Reservation.CancelAt}: the reserved tokens minus those that reservations
	 * made after this one have already counted on, so that a later reservation keeps its place
	 * and the rate is never exceeded; nothing at all once the time to act has passed (the limiter
	 * then takes the tokens as used). Cancelling twice, or a reservation that is not {@link #ok()},
	 * does nothing.
	 */
	void cancel();

	/**
	 * Takes back a reservation whose holder never acted on it, even once its time to act has come:
	 * gives back its tokens minus those that reservations made after it count on, as if it had never
	 * been made. This is for code that hands reservations over and lost the holder on the way (an
	 * {@code acquire} cancelled just as its reservation arrived), not for a holder that has acted,
	 * which would make the limiter admit more than its rate. Calling it again, or after
	 * {@link #cancel()}, or on a reservation that is not {@link #ok()}, does nothing.
	 * <p>
	 * The default is {@link #cancel()}, for implementations that cannot tell the two apart.
	 */
	default void undo() {
		cancel();
	}
}
