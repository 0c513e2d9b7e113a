package io.gopherflux.benchmarks;

import java.util.concurrent.TimeUnit;

import io.gopherflux.channel.OrDone;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** OrDone against {@code takeUntilOther}: 100,000 values read under a done-signal that never fires. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class OrDoneBenchmark {

	static final int N = 100_000;

	final Flux<Integer> source = Flux.range(0, N);

	@Benchmark
	@OperationsPerInvocation(N)
	public void orDone(Blackhole bh) {
		source.transform(OrDone.until(Mono.never())).subscribe(bh::consume);
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void takeUntilOther(Blackhole bh) {
		source.takeUntilOther(Mono.never()).subscribe(bh::consume);
	}
}
