package io.gopherflux.steward;

import java.time.Duration;

import io.gopherflux.heartbeat.Beat;
import org.reactivestreams.Publisher;

/**
 * Something a {@link Steward} can start, watch and restart: the book's {@code startGoroutineFn}.
 * <p>
 * Given the interval at which it is asked to pulse, a ward returns its beats: its results as
 * {@linkplain Beat#value values} and its signs of life as {@linkplain Beat#pulse() pulses}
 * (see {@link io.gopherflux.heartbeat.Heartbeat} for ways to make them). The ward runs while
 * the returned Publisher is subscribed; cancelling the subscription is the book's {@code done}
 * channel and must stop it. A steward is itself a ward, so stewards nest.
 *
 * @param <T> the type of the ward's results
 */
@FunctionalInterface
public interface Ward<T> {

	/**
	 * Starts the ward (lazily: on subscription).
	 *
	 * @param pulseInterval how often the ward should pulse while it is alive
	 * @return the ward's beats
	 */
	Publisher<Beat<T>> start(Duration pulseInterval);
}
