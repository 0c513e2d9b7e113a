package io.gopherflux.samples.channel;

import java.io.PrintStream;
import java.util.function.Function;

import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A pipeline of stages: a generator of 1..4, then multiply by 2, add 1, multiply by 2. Each stage
 * is a reified function from stream to stream, so stages compose with {@code transform}, and
 * cancelling the end cancels every stage.
 */
public final class PipelineSample implements Sample {

	@Override
	public String name() {
		return "pipeline";
	}

	@Override
	public String summary() {
		return "ch. 4 Pipelines: generator -> multiply -> add -> multiply, as composable stages";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		return Flux.just(1, 2, 3, 4)
				.transform(multiply(2))
				.transform(add(1))
				.transform(multiply(2))
				.doOnNext(out::println)
				.then();
	}

	static Function<Flux<Integer>, Flux<Integer>> multiply(int multiplier) {
		return stream -> stream.map(i -> i * multiplier);
	}

	static Function<Flux<Integer>, Flux<Integer>> add(int additive) {
		return stream -> stream.map(i -> i + additive);
	}
}
