package io.gopherflux.samples.channel;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Random;

import io.gopherflux.channel.Generators;
import io.gopherflux.channel.OrDone;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Preventing goroutine leaks: whoever starts work must be able to stop it. A worker reading a
 * stream that never delivers (Go's nil channel) is stopped by its parent's done-signal; a
 * producer of random numbers is stopped when its reader has had enough.
 */
public final class PreventingLeaksSample implements Sample {

	@Override
	public String name() {
		return "preventing-leaks";
	}

	@Override
	public String summary() {
		return "ch. 4 Preventing Goroutine Leaks: a parent stops the reader and the writer it started";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		Mono<Long> done = Mono.delay(Duration.ofSeconds(1), scheduler)
				.doOnNext(t -> out.println("parent: cancelling the worker"));
		Mono<Void> worker = Flux.<String>never()
				.doOnNext(out::println)
				.transform(OrDone.until(done))
				.doOnTerminate(() -> out.println("worker: exited"))
				.then()
				.doOnSuccess(v -> out.println("parent: worker gone, moving on"));

		Random random = new Random(42);
		Mono<Void> reader = Generators.repeatFn(() -> random.nextInt(1_000))
				.doOnCancel(() -> out.println("producer: stopped, nothing left running"))
				.take(3)
				.doOnNext(n -> out.println("reader: got " + n))
				.then();

		return worker.then(reader);
	}
}
