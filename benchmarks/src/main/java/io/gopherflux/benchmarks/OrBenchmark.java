package io.gopherflux.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.gopherflux.channel.Or;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Mono;

/**
 * Or against {@code Mono.firstWithSignal}: 1,000 done-signals of which only the last fires, so
 * every input is subscribed and all but one cancelled; scores are ns per input.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class OrBenchmark {

	static final int N = 1_000;

	List<Mono<Void>> signals;

	@Setup
	public void setup() {
		signals = new ArrayList<>();
		for (int i = 0; i < N - 1; i++) {
			signals.add(Mono.never());
		}
		signals.add(Mono.empty());
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void or(Blackhole bh) {
		Or.of(signals).subscribe(bh::consume, bh::consume, () -> bh.consume(true));
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void firstWithSignal(Blackhole bh) {
		Mono.firstWithSignal(signals).subscribe(bh::consume, bh::consume, () -> bh.consume(true));
	}
}
