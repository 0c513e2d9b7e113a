package io.gopherflux.samples.channel;

import java.io.PrintStream;
import java.util.Random;
import java.util.stream.Collectors;

import io.gopherflux.channel.Generators;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The book's generators: repeat a value, repeat a function, and a type-assertion stage — here
 * {@link Generators} plus Reactor's own {@code take} and {@code cast}.
 */
public final class GeneratorsSample implements Sample {

	@Override
	public String name() {
		return "generators";
	}

	@Override
	public String summary() {
		return "ch. 4 Pipelines, handy generators: repeat, repeatFn, take and a type-assertion stage";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		Mono<Void> ones = line(Generators.repeat(1).take(10), out);
		Random random = new Random(7);
		Mono<Void> randoms = line(Generators.repeatFn(() -> random.nextInt(100)).take(10), out);
		Mono<Void> strings = Generators.<Object>repeat("I", "am.")
				.take(5)
				.cast(String.class)
				.collect(Collectors.joining(" "))
				.doOnNext(out::println)
				.then();
		return ones.then(randoms).then(strings);
	}

	private static Mono<Void> line(Flux<?> values, PrintStream out) {
		return values.map(String::valueOf).collect(Collectors.joining(" ")).doOnNext(out::println).then();
	}
}
