package io.gopherflux.benchmarks;

import java.util.concurrent.TimeUnit;

import io.gopherflux.channel.Bridge;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;

/**
 * Bridge against {@code Flux.concat(Publisher<Publisher>)}: 100,000 values in inners of
 * {@code innerSize}; scores are ns per value. Bridge runs with its default prefetch of one inner
 * and with concat's own prefetch of 32, for a like-for-like comparison. Inners of one value are
 * measured both as constants ({@code Flux.just}, read without a subscription by both operators)
 * and hidden behind {@code hide()}, which forces a real subscription per inner.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class BridgeBenchmark {

	static final int N = 100_000;

	@Param({"1", "1000"})
	int innerSize;

	@Param({"true", "false"})
	boolean constant;

	Flux<Flux<Integer>> inners;

	@Setup
	public void setup() {
		Flux<Integer> range = Flux.range(0, innerSize);
		Flux<Integer> inner = constant ? range : range.hide();
		inners = Flux.range(0, N / innerSize).map(i -> inner);
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void bridge(Blackhole bh) {
		Bridge.of(inners).subscribe(bh::consume);
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void bridgePrefetch32(Blackhole bh) {
		Bridge.of(inners, 32).subscribe(bh::consume);
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void concat(Blackhole bh) {
		Flux.concat(inners).subscribe(bh::consume);
	}
}
