package io.gopherflux.context;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import reactor.core.scheduler.Scheduler;
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
	 */
	public static Function<Context, Context> at(Instant deadline) {
		Objects.requireNonNull(deadline, "deadline");
		return ctx -> put(ctx, deadline);
	}

	/**
	 * A context writer that sets the deadline to {@code timeout} after the moment of subscription
	 * on {@code clock}, as Go's {@code context.WithTimeout}, unless an earlier one is present.
	 */
	public static Function<Context, Context> after(Duration timeout, Scheduler clock) {
		Objects.requireNonNull(timeout, "timeout");
		Objects.requireNonNull(clock, "clock");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
		}
		return ctx -> put(ctx, now(clock).plus(timeout));
	}

	/** The deadline in this context, if one was set. */
	public static Optional<Instant> of(ContextView ctx) {
		Objects.requireNonNull(ctx, "ctx");
		return ctx.getOrEmpty(KEY);
	}

	/** The current instant on the scheduler's clock, at nanosecond resolution where it has it. */
	public static Instant now(Scheduler clock) {
		Objects.requireNonNull(clock, "clock");
		long nanos = clock.now(TimeUnit.NANOSECONDS);
		return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
	}

	private static Context put(Context ctx, Instant deadline) {
		Optional<Instant> existing = ctx.getOrEmpty(KEY);
		if (existing.isPresent() && !existing.get().isAfter(deadline)) {
			return ctx;
		}
		return ctx.put(KEY, deadline);
	}
}
