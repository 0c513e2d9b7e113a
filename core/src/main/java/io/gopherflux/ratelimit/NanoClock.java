package io.gopherflux.ratelimit;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import reactor.core.scheduler.Scheduler;

/**
 * The monotonic nanosecond clock a {@link TokenBucket} reads on every request.
 * <p>
 * The default, {@link #system()}, reads {@link System#nanoTime()} directly: it is the cheapest
 * monotonic clock on the JVM, and a bucket recognises it and calls it without any indirection on
 * its hot path. {@link #of(Scheduler)} reads {@code scheduler.now(NANOSECONDS)} instead, which is
 * what makes tests exact: under {@code StepVerifier.withVirtualTime} the scheduler is the
 * {@code VirtualTimeScheduler} and the bucket sees virtual time.
 * <p>
 * Why not always read a scheduler? Reactor's schedulers only promise what {@code now} returns for
 * the unit asked: {@code now(MILLISECONDS)} is the wall clock in whole milliseconds (too coarse for
 * rates of thousands of events per second, and not monotonic), and while the built-in schedulers
 * of reactor-core 3.4 and later answer {@code now(NANOSECONDS)} with {@code System.nanoTime()},
 * they do so through an interface call that compares units first, and a custom scheduler may still
 * answer with the millisecond wall clock. The dedicated clock makes the choice explicit and keeps
 * the hot path to one clock read.
 */
@FunctionalInterface
public interface NanoClock {

	/** The current reading in nanoseconds; only differences between readings are meaningful. */
	long nanoTime();

	/** The JVM's monotonic clock, {@link System#nanoTime()}. */
	static NanoClock system() {
		return SystemNanoClock.INSTANCE;
	}

	/** A clock that reads {@code scheduler.now(NANOSECONDS)}, virtual time under a test. */
	static NanoClock of(Scheduler scheduler) {
		Objects.requireNonNull(scheduler, "scheduler");
		return () -> scheduler.now(TimeUnit.NANOSECONDS);
	}
}

enum SystemNanoClock implements NanoClock {

	INSTANCE;

	@Override
	public long nanoTime() {
		return System.nanoTime();
	}
}
