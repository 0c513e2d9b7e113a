package io.gopherflux.samples;

import java.io.PrintStream;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One example of the book, runnable from the {@link Launcher} and asserted by a test.
 * <p>
 * A sample prints to the stream it is given and takes its time from the scheduler it is given,
 * so that a test can run it in virtual time and compare its output exactly.
 */
public interface Sample {

	/** The name the launcher knows it by, e.g. {@code tee}. */
	String name();

	/** One line saying which example of the book this is. */
	String summary();

	/**
	 * Assembles the example; nothing runs until the returned Mono is subscribed.
	 *
	 * @param out       where the example prints its output
	 * @param scheduler the source of time for every timed step
	 */
	Mono<Void> run(PrintStream out, Scheduler scheduler);
}
