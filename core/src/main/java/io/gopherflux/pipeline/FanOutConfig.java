package io.gopherflux.pipeline;

import java.util.Objects;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How {@link FanOut} runs a stage: on how many workers at once, on which {@link Scheduler}, and
 * in which order the results come back.
 * <p>
 * {@code workers} bounds the calls of the stage in flight; the scheduler's threads bound how many
 * of them run at the same instant, so more workers than threads only queues work on the
 * scheduler. The Go original starts one goroutine per CPU: {@link #defaults()} does the same
 * with {@link Runtime#availableProcessors()} workers on {@link Schedulers#parallel()}.
 *
 * @param workers   how many calls of the stage may be in flight at once, at least 1
 * @param order     {@link Order#COMPLETION} (fastest first, as the book's fan-in) or
 *                  {@link Order#INPUT}
 * @param scheduler where each call of the stage runs
 */
public record FanOutConfig(int workers, Order order, Scheduler scheduler) {

	/** The order in which a fanned-out stage emits its results. */
	public enum Order {
		/** Each result as soon as its worker finishes, as a Go fan-in multiplexes channels. */
		COMPLETION,
		/**
		 * Results in the order of the inputs that produced them; a result that finishes early
		 * waits (at most {@code workers} of them) until the ones before it are emitted.
		 */
		INPUT
	}

	/**
	 * Validates every argument, naming it when it is wrong.
	 *
	 * @param workers   how many calls of the stage may be in flight at once, at least 1
	 * @param order     the order of the results
	 * @param scheduler where each call of the stage runs
	 * @throws NullPointerException     if {@code order} or {@code scheduler} is null
	 * @throws IllegalArgumentException if {@code workers} is less than 1
	 */
	public FanOutConfig {
		Objects.requireNonNull(order, "order");
		Objects.requireNonNull(scheduler, "scheduler");
		if (workers < 1) {
			throw new IllegalArgumentException("workers must be at least 1, was " + workers);
		}
	}

	/**
	 * One worker per available processor, results in completion order, on
	 * {@link Schedulers#parallel()} (resolved now, so that a virtual-time test sees its own).
	 *
	 * @return the configuration
	 */
	public static FanOutConfig defaults() {
		return new FanOutConfig(Runtime.getRuntime().availableProcessors(), Order.COMPLETION,
				Schedulers.parallel());
	}

	/**
	 * This configuration with {@code workers} workers.
	 *
	 * @param workers how many calls of the stage may be in flight at once, at least 1
	 * @return the new configuration
	 */
	public FanOutConfig withWorkers(int workers) {
		return new FanOutConfig(workers, order, scheduler);
	}

	/**
	 * This configuration emitting results in {@code order}.
	 *
	 * @param order the order of the results
	 * @return the new configuration
	 */
	public FanOutConfig withOrder(Order order) {
		return new FanOutConfig(workers, order, scheduler);
	}

	/**
	 * This configuration running the stage on {@code scheduler}.
	 *
	 * @param scheduler where each call of the stage runs
	 * @return the new configuration
	 */
	public FanOutConfig withScheduler(Scheduler scheduler) {
		return new FanOutConfig(workers, order, scheduler);
	}
}
