package io.gopherflux.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import io.gopherflux.pipeline.FanOut;
import io.gopherflux.pipeline.FanOutConfig;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Fan-in of 4 sources of {@value #PER_SOURCE} elements, per element: Reactor's
 * {@code Flux.merge} against the {@code flatMap} that {@link FanOut} is built on, each on the
 * calling thread and with every source on a {@code Schedulers.parallel()} worker.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(FanInBenchmark.ELEMENTS)
public class FanInBenchmark {

	static final int SOURCES = 4;
	static final int PER_SOURCE = 25_000;
	static final int ELEMENTS = SOURCES * PER_SOURCE;

	private List<Flux<Integer>> sameThread;
	private List<Flux<Integer>> ownThreads;
	private FanOutConfig fourWorkers;

	@Setup
	public void setup() {
		sameThread = List.of(Flux.range(0, PER_SOURCE), Flux.range(0, PER_SOURCE), Flux.range(0, PER_SOURCE),
				Flux.range(0, PER_SOURCE));
		ownThreads = sameThread.stream().map(f -> f.subscribeOn(Schedulers.parallel())).toList();
		fourWorkers = FanOutConfig.defaults().withWorkers(SOURCES);
	}

	@Benchmark
	public Object mergeSameThread(Blackhole bh) {
		return Flux.merge(sameThread).doOnNext(bh::consume).blockLast();
	}

	@Benchmark
	public Object flatMapSameThread(Blackhole bh) {
		return Flux.fromIterable(sameThread).flatMap(Function.identity(), SOURCES).doOnNext(bh::consume).blockLast();
	}

	@Benchmark
	public Object mergeSourcesOnParallel(Blackhole bh) {
		return Flux.merge(ownThreads).doOnNext(bh::consume).blockLast();
	}

	@Benchmark
	public Object fanOutFlatMapOnParallel(Blackhole bh) {
		return Flux.fromIterable(sameThread)
				.transform(FanOut.flatMap(fourWorkers, Function.identity()))
				.doOnNext(bh::consume)
				.blockLast();
	}
}
