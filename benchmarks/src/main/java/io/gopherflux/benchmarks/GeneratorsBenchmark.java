package io.gopherflux.benchmarks;

import java.util.concurrent.TimeUnit;

import io.gopherflux.channel.Generators;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;

/**
 * {@code Generators.repeat(x).take(n)} against {@code Flux.just(x).repeat().take(n)}, the book's
 * {@code take(repeat(1), n)}; scores are ns per value.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class GeneratorsBenchmark {

	static final int N = 100_000;

	@Benchmark
	@OperationsPerInvocation(N)
	public void repeatTake(Blackhole bh) {
		Generators.repeat(1).take(N).subscribe(bh::consume);
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void justRepeatTake(Blackhole bh) {
		Flux.just(1).repeat().take(N).subscribe(bh::consume);
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void repeatTwoValuesTake(Blackhole bh) {
		Generators.repeat(1, 2).take(N).subscribe(bh::consume);
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void fromArrayRepeatTake(Blackhole bh) {
		Flux.just(1, 2).repeat().take(N).subscribe(bh::consume);
	}
}
