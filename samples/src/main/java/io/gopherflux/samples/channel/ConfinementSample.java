package io.gopherflux.samples.channel;

import java.io.PrintStream;

import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Lexical confinement: only the method that creates a stream can write to it, and the caller
 * gets a read-only {@code Flux}, so there is nothing to synchronize.
 */
public final class ConfinementSample implements Sample {

	@Override
	public String name() {
		return "confinement";
	}

	@Override
	public String summary() {
		return "ch. 4 Confinement: the owner of a stream is the only writer; consumers only read";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		return consume(owner(), out);
	}

	// The emitting side lives in this scope alone: no caller can push into it, so no lock is needed.
	private static Flux<Integer> owner() {
		return Flux.generate(() -> 0, (next, sink) -> {
			if (next > 5) {
				sink.complete();
			}
			else {
				sink.next(next);
			}
			return next + 1;
		});
	}

	private static Mono<Void> consume(Flux<Integer> results, PrintStream out) {
		return results
				.doOnNext(r -> out.println("received " + r))
				.doOnComplete(() -> out.println("nothing more to receive"))
				.then();
	}
}
