package io.gopherflux.benchmarks;

import java.util.concurrent.TimeUnit;

import io.gopherflux.channel.Tee;
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
 * Tee against {@code publish().autoConnect(2)}: one source of 100,000 values to two consumers
 * on the same thread; scores are ns per source element (each delivered twice).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class TeeBenchmark {

	static final int N = 100_000;

	final Flux<Integer> source = Flux.range(0, N);

	@Benchmark
	@OperationsPerInvocation(N)
	public void tee(Blackhole bh) {
		Tee<Integer> tee = Tee.split(source);
		tee.first().subscribe(bh::consume);
		tee.second().subscribe(bh::consume);
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void publishAutoConnect(Blackhole bh) {
		Flux<Integer> shared = source.publish().autoConnect(2);
		shared.subscribe(bh::consume);
		shared.subscribe(bh::consume);
	}
}
