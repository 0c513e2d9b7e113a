package io.gopherflux.ratelimit;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import reactor.core.scheduler.Scheduler;

/**
 * The monotonic nanosecond clock a {@link TokenBucket} reads on every request.
 * <p>
 * By default a bucket reads its scheduler, {@link #of(Scheduler)}: {@code scheduler.now(NANOSECONDS)}.
 * Reactor's schedulers answer it with {@code System.nanoTime()}, and the {@code VirtualTimeScheduler}
 * with virtual time, so a bucket made inside {@code StepVerifier.withVirtualTime}'s supplier, where
 * {@code Schedulers.parallel()} is the virtual-time scheduler, has virtual timers and a virtual clock
 * alike, as every other timed thing in Reactor does.
 * <p>
 * {@link #system()} reads {@link System#nanoTime()} directly, whatever the scheduler. Set it for a
 * custom scheduler whose {@code now(NANOSECONDS)} is not a fine monotonic clock (Reactor only
 * promises what {@code now} returns for the unit asked: {@code now(MILLISECONDS)} is the
 * millisecond wall clock, and a custom scheduler may answer every unit from it). A bucket recognises
 * it and calls {@code System.nanoTime()} without any indirection.
 */
@FunctionalInterface
public interface NanoClock {

	/**
	 * The current reading in nanoseconds; only differences between readings are meaningful.
	 *
	 * @return the reading
	 */
	long nanoTime();

	/**
	 * The JVM's monotonic clock, {@link System#nanoTime()}.
	 *
	 * @return the clock
	 */
	static NanoClock system() {
		return SystemNanoClock.INSTANCE;
	}

	/**
	 * A clock that reads {@code scheduler.now(NANOSECONDS)}: {@code System.nanoTime()} on Reactor's
	 * schedulers, virtual time on the virtual-time one. Two such clocks of one scheduler are equal.
	 *
	 * @param scheduler the scheduler to read
	 * @return the clock
	 */
	static NanoClock of(Scheduler scheduler) {
		return new SchedulerNanoClock(Objects.requireNonNull(scheduler, "scheduler"));
	}
}

enum SystemNanoClock implements NanoClock {

	INSTANCE;

	@Override
	public long nanoTime() {
		return System.nanoTime();
	}
}

record SchedulerNanoClock(Scheduler scheduler) implements NanoClock {

	@Override
	public long nanoTime() {
		return scheduler.now(TimeUnit.NANOSECONDS);
	}
}
