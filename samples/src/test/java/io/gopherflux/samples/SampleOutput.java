package io.gopherflux.samples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Runs a sample in a test and hands back what it printed. */
public final class SampleOutput {

	private SampleOutput() {
	}

	/**
	 * Runs the sample in virtual time, advancing the clock by {@code horizon}, and expects it to
	 * have completed by then.
	 */
	public static String inVirtualTime(Sample sample, Duration horizon) {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
		StepVerifier.withVirtualTime(() -> sample.run(out, Schedulers.parallel()))
				.thenAwait(horizon)
				.expectComplete()
				.verify(Duration.ofSeconds(30));
		return buffer.toString(StandardCharsets.UTF_8);
	}

	/** Runs the sample on real time (for samples whose point is real elapsed time). */
	public static String onRealTime(Sample sample) {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
		sample.run(out, Schedulers.parallel()).block(Duration.ofSeconds(60));
		return buffer.toString(StandardCharsets.UTF_8);
	}
}
