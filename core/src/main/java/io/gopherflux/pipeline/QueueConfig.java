package io.gopherflux.pipeline;

import java.util.Objects;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How a {@link QueueStage} queues: its name, how many elements it holds at most, what it does
 * when full, the clock it times elements with, and where it reports Little's-law metrics.
 *
 * @param name     names the stage in errors (and, by convention, in its metrics), not blank
 * @param capacity the most elements the queue holds, at least 1
 * @param overflow what happens to an element that finds the queue full
 * @param clock    the scheduler whose {@code now} times each element's stay; a virtual-time
 *                 scheduler makes the times exact in tests
 * @param metrics  where arrivals and departures are reported
 */
public record QueueConfig(String name, int capacity, OverflowPolicy overflow, Scheduler clock,
		QueueMetrics metrics) {

	/**
	 * Validates every argument, naming it when it is wrong.
	 *
	 * @param name     names the stage in errors, not blank
	 * @param capacity the most elements the queue holds, at least 1
	 * @param overflow what happens to an element that finds the queue full
	 * @param clock    the scheduler whose {@code now} times each element's stay
	 * @param metrics  where arrivals and departures are reported
	 * @throws NullPointerException     if any reference argument is null
	 * @throws IllegalArgumentException if {@code name} is blank or {@code capacity} less than 1
	 */
	public QueueConfig {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(overflow, "overflow");
		Objects.requireNonNull(clock, "clock");
		Objects.requireNonNull(metrics, "metrics");
		if (name.isBlank()) {
			throw new IllegalArgumentException("name must not be blank");
		}
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
		}
	}

	/**
	 * A queue of {@code capacity} elements with the {@code overflow} policy, timed on
	 * {@link Schedulers#parallel()} (resolved now) and reporting to {@link QueueMetrics#noop()}.
	 *
	 * @param name     names the stage in errors, not blank
	 * @param capacity the most elements the queue holds, at least 1
	 * @param overflow what happens to an element that finds the queue full
	 * @return the configuration
	 */
	public static QueueConfig of(String name, int capacity, OverflowPolicy overflow) {
		return new QueueConfig(name, capacity, overflow, Schedulers.parallel(), QueueMetrics.noop());
	}

	/**
	 * This configuration timing elements on {@code clock}.
	 *
	 * @param clock the scheduler whose {@code now} times each element's stay
	 * @return the new configuration
	 */
	public QueueConfig withClock(Scheduler clock) {
		return new QueueConfig(name, capacity, overflow, clock, metrics);
	}

	/**
	 * This configuration reporting to {@code metrics}.
	 *
	 * @param metrics where arrivals and departures are reported
	 * @return the new configuration
	 */
	public QueueConfig withMetrics(QueueMetrics metrics) {
		return new QueueConfig(name, capacity, overflow, clock, metrics);
	}
}
