package io.gopherflux.samples.channel;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gopherflux.channel.Or;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The or-channel: five done-signals due after 2 h, 5 min, 1 s, 1 h and 1 min combined into one,
 * which fires after one second.
 */
public final class OrChannelSample implements Sample {

	@Override
	public String name() {
		return "or-channel";
	}

	@Override
	public String summary() {
		return "ch. 4 The or-channel: the first of five timers ends the wait";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		return Mono.defer(() -> {
			long start = scheduler.now(TimeUnit.MILLISECONDS);
			return Or.of(after(Duration.ofHours(2), scheduler), after(Duration.ofMinutes(5), scheduler),
							after(Duration.ofSeconds(1), scheduler), after(Duration.ofHours(1), scheduler),
							after(Duration.ofMinutes(1), scheduler))
					.doOnSuccess(v -> out.println("done after " + (scheduler.now(TimeUnit.MILLISECONDS) - start) + " ms"));
		});
	}

	private static Mono<Long> after(Duration delay, Scheduler scheduler) {
		return Mono.delay(delay, scheduler);
	}
}
