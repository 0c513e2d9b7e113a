package io.gopherflux.heartbeat;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Heartbeats: a stream of results paired with pulses that tell a watcher the producer is alive,
 * and the watchdog that fails when the pulses stop.
 * <p>
 * All of them use one {@code Flux<Beat<T>>} (see {@link Beat}): results keep full backpressure,
 * while pulses are emitted only against outstanding demand and otherwise dropped, so a consumer
 * that asks for nothing sees no pulse. Time comes from a {@link Scheduler}
 * ({@link Schedulers#parallel()} unless one is given), so {@code StepVerifier.withVirtualTime}
 * drives every pulse and timeout exactly.
 * <p>
 * Which pulses to use: {@link #interval} pulses say that the stream is subscribed and its
 * scheduler is running while it waits for work; they cannot see inside an opaque source, which
 * looks the same idle and stuck. A producer whose own loop may stall should pulse from that loop
 * with {@link #pulsing}. {@link #perUnit} puts a pulse in front of each result, as the book's
 * per-unit heartbeat does, but the pulse comes with the result, not when the work on it begins.
 */
public final class Heartbeat {

	/**
	 * The most results an interval or pulsing heartbeat asks its source for ahead of their
	 * emission, and never more than downstream has asked for and not yet received.
	 */
	public static final int PREFETCH = 32;

	private Heartbeat() {
	}

	/**
	 * Pairs {@code results} with a pulse every {@code pulseInterval} on
	 * {@link Schedulers#parallel()}; see {@link #interval(Publisher, Duration, Scheduler)}.
	 *
	 * @param results       the results
	 * @param pulseInterval the time between pulses; positive
	 * @param <T>           the type of the results
	 * @return the results and pulses as beats
	 */
	public static <T> Flux<Beat<T>> interval(Publisher<? extends T> results, Duration pulseInterval) {
		return interval(results, pulseInterval, Schedulers.parallel());
	}

	/**
	 * Pairs {@code results} with a pulse every {@code pulseInterval}, the first one
	 * {@code pulseInterval} after subscription, as the book's {@code time.Tick}.
	 * <p>
	 * Emits each result as a {@link Beat.Value} with backpressure: the results are asked for no
	 * more than downstream has asked for and not yet received (at most {@link #PREFETCH} ahead),
	 * so a watchdog on them sees the consumer's own demand. Each tick becomes a
	 * {@link Beat#pulse()} if downstream has demand left after the results; otherwise that tick is
	 * dropped (to the discard hook), never queued. So pulses reach a consumer that is waiting, for
	 * instance while no result is ready, and no pulse reaches a consumer with no demand, for
	 * instance one busy with the last result. A pulse may take demand the results were already
	 * asked for; the result then waits for the next request.
	 * <p>
	 * Completes or fails when the results do, after the results already received are emitted.
	 * Cancelling cancels the results and stops the ticker.
	 *
	 * @param results       the results
	 * @param pulseInterval the time between pulses; positive
	 * @param scheduler     the source of time for the ticker
	 * @param <T>           the type of the results
	 * @return the results and pulses as beats
	 */
	public static <T> Flux<Beat<T>> interval(Publisher<? extends T> results, Duration pulseInterval, Scheduler scheduler) {
		Objects.requireNonNull(results, "results");
		requirePositive(pulseInterval, "pulseInterval");
		Objects.requireNonNull(scheduler, "scheduler");
		return FluxHeartbeat.create(results, Flux.interval(pulseInterval, pulseInterval, scheduler), PREFETCH);
	}

	/**
	 * Pairs {@code results} with a pulse for each signal of {@code pulses}: the producer pulses
	 * from wherever it proves its progress (its work loop's ticker, a protocol ping), so the
	 * pulses stop when that loop stops.
	 * <p>
	 * Results are emitted as in {@link #interval(Publisher, Duration, Scheduler)}; each
	 * {@code pulses} signal becomes a pulse if downstream has demand left after the results and
	 * is dropped (to the discard hook) otherwise ({@code pulses} is requested unbounded: nothing
	 * of it is queued). Completion of {@code pulses} stops the pulses only; an error of
	 * {@code pulses} fails the stream at once. Cancelling cancels both sources.
	 *
	 * @param results the results
	 * @param pulses  the triggers, one pulse each; their values are ignored
	 * @param <T>     the type of the results
	 * @return the results and pulses as beats
	 */
	public static <T> Flux<Beat<T>> pulsing(Publisher<? extends T> results, Publisher<?> pulses) {
		Objects.requireNonNull(results, "results");
		Objects.requireNonNull(pulses, "pulses");
		return FluxHeartbeat.create(results, pulses, PREFETCH);
	}

	/**
	 * A pulse with each unit of work: each result is preceded by a pulse, and the source is asked
	 * for one result at a time.
	 * <p>
	 * The pulse of a unit is emitted when the unit's result arrives, immediately before it: it
	 * says that one more unit was done, not that work on it has begun (a Publisher does not show
	 * when its work starts). Like the book's heartbeat channel with a buffer of one, the pulse
	 * waits for demand rather than being dropped, so a consumer always sees pulse, value, pulse,
	 * value. A consumer that must know that the producer is alive before its first result
	 * arrives needs {@link #interval} or {@link #pulsing}. At most one pulse is ever held.
	 * Completes and fails with the source; cancelling cancels it. Built on Reactor's
	 * {@code concatMapIterable}.
	 *
	 * @param results the results, one per unit of work
	 * @param <T>     the type of the results
	 * @return a pulse then a value for each result
	 */
	public static <T> Flux<Beat<T>> perUnit(Publisher<? extends T> results) {
		Objects.requireNonNull(results, "results");
		return Flux.<T>from(results).concatMapIterable(v -> List.of(Beat.<T>pulse(), Beat.value(v)), 1);
	}

	/**
	 * The consumer's watchdog, unnamed, on {@link Schedulers#parallel()}; see
	 * {@link #watchdog(String, Duration, Scheduler)}. Its {@link HeartbeatTimeoutException} names
	 * no stream.
	 *
	 * @param timeout how long a waiting consumer tolerates silence; positive
	 * @param <T>     the type of the values
	 * @return a function for {@link Flux#transform}
	 */
	public static <T> Function<Flux<Beat<T>>, Flux<Beat<T>>> watchdog(Duration timeout) {
		requirePositive(timeout, "timeout");
		return beats -> HeartbeatWatchdog.create(beats, null, timeout, Schedulers.parallel());
	}

	/**
	 * The consumer's watchdog, for {@code transform}: passes every beat through unchanged and
	 * fails with a {@link HeartbeatTimeoutException} naming {@code name} when no beat (pulse or
	 * value) arrives within {@code timeout} while downstream is waiting for one.
	 * <p>
	 * The clock runs only while downstream has requested more beats than it received, from the
	 * moment it started waiting or from the last beat, whichever is later: like the book's
	 * {@code time.After} in the consumer's loop, a consumer busy elsewhere does not make a
	 * healthy producer look silent. On a timeout the source is cancelled before the error is
	 * emitted. Completion and errors of the source pass through; cancelling cancels the source
	 * (once, however often it is asked) and the timer. What the source still sends after it was
	 * cancelled or timed out is expected and quiet: beats go to the discard hook, an error is
	 * ignored. One timer task is pending at a time, whatever the rate of beats.
	 *
	 * @param name      what to call the watched stream in the error
	 * @param timeout   how long a waiting consumer tolerates silence; positive
	 * @param scheduler the source of time for the timer
	 * @param <T>       the type of the values
	 * @return a function for {@link Flux#transform}
	 */
	public static <T> Function<Flux<Beat<T>>, Flux<Beat<T>>> watchdog(String name, Duration timeout, Scheduler scheduler) {
		Objects.requireNonNull(name, "name");
		requirePositive(timeout, "timeout");
		Objects.requireNonNull(scheduler, "scheduler");
		return beats -> HeartbeatWatchdog.create(beats, name, timeout, scheduler);
	}

	/**
	 * Keeps the values and drops the pulses, for {@code transform}: what a consumer that has no
	 * use for pulses reads. Each dropped pulse is replaced by a request for one more beat, so the
	 * consumer's demand is for values only. Built on Reactor's {@code handle}.
	 *
	 * @param <T> the type of the values
	 * @return a function for {@link Flux#transform}
	 */
	public static <T> Function<Flux<Beat<T>>, Flux<T>> values() {
		return beats -> beats.handle((beat, sink) -> {
			if (beat instanceof Beat.Value<T> value) {
				sink.next(value.value());
			}
		});
	}

	static void requirePositive(Duration duration, String name) {
		Objects.requireNonNull(duration, name);
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
	}
}
