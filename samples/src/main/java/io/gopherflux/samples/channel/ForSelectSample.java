package io.gopherflux.samples.channel;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gopherflux.channel.OrDone;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The for-select loop: send values until told to stop, and loop on work until told to stop. In
 * Reactor the loop is the subscription and the {@code done} case is a done-signal ({@link OrDone})
 * or plain cancellation.
 */
public final class ForSelectSample implements Sample {

	@Override
	public String name() {
		return "for-select";
	}

	@Override
	public String summary() {
		return "ch. 4 The for-select loop: emit values, or repeat work, until a done-signal fires";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		Mono<Void> sendValues = Flux.just("a", "b", "c")
				.transform(OrDone.until(Mono.never()))
				.doOnNext(s -> out.println("sent " + s))
				.then();

		// Work that cannot be interrupted runs between checks of done: one unit per second here.
		Mono<Void> loopUntilDone = Mono.defer(() -> {
			long start = scheduler.now(TimeUnit.MILLISECONDS);
			Mono<Long> done = Mono.delay(Duration.ofMillis(3_500), scheduler);
			return Flux.interval(Duration.ofSeconds(1), scheduler)
					.transform(OrDone.until(done))
					.doOnNext(i -> out.println("did unit of work " + (i + 1)))
					.doOnComplete(() -> out.println("done fired after "
							+ (scheduler.now(TimeUnit.MILLISECONDS) - start) + " ms: loop stopped"))
					.then();
		});

		return sendValues.then(loopUntilDone);
	}
}
