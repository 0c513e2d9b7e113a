package io.gopherflux.context;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * A deadline carried in the Reactor {@link Context}, as Go's {@code context.WithDeadline}: the
 * instant after which work done on behalf of a subscription should be abandoned.
 * <p>
 * Instants are read on a {@link Scheduler}'s clock ({@link #now(Scheduler)}), so that under
 * {@code StepVerifier.withVirtualTime} deadlines are virtual too. A deadline can only be made
 * earlier down the chain: writing a later one keeps the earlier one already present, as a Go
 * child context cannot outlive its parent. Timed operations of this library (for example the
 * rate limiter's acquire) read it with {@link #of(ContextView)} and fail fast when their wait
 * would pass it.
 * <p>
 * Reactor has no operator that honours a deadline carried in the Context; {@link #enforce(String,
 * Scheduler)} is that operator. Cancellation itself needs no helper: disposing a subscription (or
 * a downstream {@code take}, {@code timeout}, {@code takeUntilOther}) cancels upstream, which is
 * Go's {@code cancel()} and {@code ctx.Done()}; see the package documentation.
 */
public final class Deadline {

	private static final Object KEY = new Object() {
		@Override
		public String toString() {
			return "gopherflux.deadline";
		}
	};

	private Deadline() {
	}

	/**
	 * A context writer that sets the deadline to {@code deadline}, unless an earlier one is
	 * already present; use it with {@code contextWrite}.
	 *
	 * @param deadline the deadline
	 * @return the context writer
	 */
	public static Function<Context, Context> at(Instant deadline) {
		Objects.requireNonNull(deadline, "deadline");
		return ctx -> put(ctx, deadline);
	}

	/**
	 * A context writer that sets the deadline to {@code timeout} after the moment of subscription
	 * on {@code clock}, as Go's {@code context.WithTimeout}, unless an earlier one is present.
	 *
	 * @param timeout how long after subscription the deadline falls; zero or more
	 * @param clock   the scheduler whose clock gives the moment of subscription
	 * @return the context writer
	 */
	public static Function<Context, Context> after(Duration timeout, Scheduler clock) {
		Objects.requireNonNull(timeout, "timeout");
		Objects.requireNonNull(clock, "clock");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
		}
		return ctx -> put(ctx, now(clock).plus(timeout));
	}

	/**
	 * The deadline in this context.
	 *
	 * @param ctx the context to read
	 * @return the deadline, or empty if none was set
	 */
	public static Optional<Instant> of(ContextView ctx) {
		Objects.requireNonNull(ctx, "ctx");
		return ctx.getOrEmpty(KEY);
	}

	/**
	 * The current instant on the scheduler's clock, at millisecond resolution.
	 * <p>
	 * Read in milliseconds on purpose: Reactor's {@code Scheduler.now} gives wall-clock time only
	 * for milliseconds and coarser units, and {@code System.nanoTime()} (whose origin is arbitrary)
	 * for finer ones, which would put deadlines made from {@link Instant#now()} decades away.
	 *
	 * @param clock the scheduler to read
	 * @return the scheduler's current instant
	 */
	public static Instant now(Scheduler clock) {
		Objects.requireNonNull(clock, "clock");
		return Instant.ofEpochMilli(clock.now(TimeUnit.MILLISECONDS));
	}

	/**
	 * The time left until the deadline in this context, on the clock's current instant: negative or
	 * zero once it has passed, empty when no deadline was set. Use it to fail fast, as Go code
	 * compares {@code ctx.Deadline()} with the time an operation needs.
	 *
	 * @param ctx   the context to read
	 * @param clock the scheduler whose clock gives the current instant
	 * @return the time left, or empty if no deadline was set
	 */
	public static Optional<Duration> remaining(ContextView ctx, Scheduler clock) {
		Objects.requireNonNull(ctx, "ctx");
		Objects.requireNonNull(clock, "clock");
		return of(ctx).map(deadline -> Duration.between(now(clock), deadline));
	}

	/**
	 * An operator for {@code Flux.transform} or {@code Mono.transform} that makes the source honour
	 * the deadline in its subscriber's Context: when the deadline passes before the source
	 * terminates, the source is cancelled and the result fails with a
	 * {@link DeadlineExceededException} naming {@code operation}. A source subscribed to after the
	 * deadline is not subscribed at all and fails at once. Without a deadline in the Context the
	 * source is used as it is.
	 * <p>
	 * One timer per subscription runs on {@code clock} (virtual under
	 * {@code StepVerifier.withVirtualTime}); it is stopped when the source terminates or the
	 * subscriber cancels. Values, errors and backpressure of the source pass through unchanged. A
	 * {@code Mono} stays a {@code Mono}.
	 * <pre>{@code
	 * locale(...).transform(Deadline.enforce("locale lookup", clock))
	 *         .contextWrite(Deadline.after(Duration.ofSeconds(1), clock))
	 * }</pre>
	 *
	 * @param operation what the source does, for the error's message
	 * @param clock     the scheduler whose clock and timer the deadline is read on
	 * @param <T>       the type of the values
	 * @return a function for {@code transform}
	 */
	@SuppressWarnings("unchecked")
	public static <T> Function<Publisher<T>, Publisher<T>> enforce(String operation, Scheduler clock) {
		Objects.requireNonNull(operation, "operation");
		Objects.requireNonNull(clock, "clock");
		return source -> source instanceof Mono
				? enforceMono((Mono<T>) source, operation, clock)
				: enforceFlux(Flux.from(source), operation, clock);
	}

	/**
	 * {@link #enforce(String, Scheduler)} on {@link Schedulers#parallel()}'s clock.
	 *
	 * @param operation what the source does, for the error's message
	 * @param <T>       the type of the values
	 * @return a function for {@code transform}
	 */
	public static <T> Function<Publisher<T>, Publisher<T>> enforce(String operation) {
		return enforce(operation, Schedulers.parallel());
	}

	private static <T> Mono<T> enforceMono(Mono<T> source, String operation, Scheduler clock) {
		return Mono.deferContextual(ctx -> {
			Optional<Instant> deadline = of(ctx);
			if (deadline.isEmpty()) {
				return source;
			}
			Instant now = now(clock);
			Duration left = Duration.between(now, deadline.get());
			if (left.isNegative() || left.isZero()) {
				return Mono.error(DeadlineExceededException.passed(operation, deadline.get(), now));
			}
			// Mono.timeout cancels the source when the timer fires and the timer when the source ends.
			return source.timeout(Mono.delay(left, clock), Mono.error(
					() -> DeadlineExceededException.passed(operation, deadline.get(), now(clock))));
		});
	}

	private static final int RUNNING = 0;
	private static final int SOURCE_ENDED = 1;
	private static final int EXPIRED = 2;

	private static <T> Flux<T> enforceFlux(Flux<T> source, String operation, Scheduler clock) {
		return Flux.deferContextual(ctx -> {
			Optional<Instant> deadline = of(ctx);
			if (deadline.isEmpty()) {
				return source;
			}
			Instant now = now(clock);
			Duration left = Duration.between(now, deadline.get());
			if (left.isNegative() || left.isZero()) {
				return Flux.error(DeadlineExceededException.passed(operation, deadline.get(), now));
			}
			// Whichever of source completion and timer comes first decides; takeUntilOther cancels
			// the source when the timer fires and the timer when the source ends or is cancelled.
			AtomicInteger state = new AtomicInteger(RUNNING);
			Mono<Long> timer = Mono.delay(left, clock).filter(x -> state.compareAndSet(RUNNING, EXPIRED));
			return source.doOnComplete(() -> state.compareAndSet(RUNNING, SOURCE_ENDED))
					.takeUntilOther(timer)
					.concatWith(Mono.defer(() -> state.get() == EXPIRED
							? Mono.error(DeadlineExceededException.passed(operation, deadline.get(), now(clock)))
							: Mono.empty()));
		});
	}

	private static Context put(Context ctx, Instant deadline) {
		Optional<Instant> existing = ctx.getOrEmpty(KEY);
		if (existing.isPresent() && !existing.get().isAfter(deadline)) {
			return ctx;
		}
		return ctx.put(KEY, deadline);
	}
}
