package io.gopherflux.samples.channel;

import java.io.PrintStream;
import java.time.Duration;

import io.gopherflux.channel.OrDone;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The or-done-channel: range over a stream from another part of the system without caring how
 * it behaves on cancellation; the done-signal ends the loop and cancels the stream.
 */
public final class OrDoneSample implements Sample {

	@Override
	public String name() {
		return "or-done";
	}

	@Override
	public String summary() {
		return "ch. 4 The or-done-channel: read a stream until done fires, then cancel it";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		Flux<Long> myStream = Flux.interval(Duration.ofMillis(300), scheduler)
				.doOnCancel(() -> out.println("stream cancelled"));
		Mono<Long> done = Mono.delay(Duration.ofSeconds(1), scheduler);
		return myStream
				.transform(OrDone.until(done))
				.doOnNext(v -> out.println("value " + v))
				.doOnComplete(() -> out.println("done fired: loop ended"))
				.then();
	}
}
