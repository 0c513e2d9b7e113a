package io.gopherflux.benchmarks;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.gopherflux.pipeline.FanOut;
import io.gopherflux.pipeline.FanOutConfig;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The prime finder's slow stage (a naive prime test) over {@value #NUMBERS} fixed random
 * integers: on the calling thread, fanned out with {@link FanOut} on N workers, and with
 * Reactor's {@code parallel(N).runOn(parallel())}. The speedup is the ratio of the times.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PrimeFinderBenchmark {

	static final int NUMBERS = 64;
	static final int BOUND = 500_000;

	@Param({"1", "2", "4"})
	public int workers;

	private List<Integer> numbers;
	private FanOutConfig config;

	@Setup
	public void setup() {
		SplittableRandom random = new SplittableRandom(2017L);
		numbers = random.ints(NUMBERS, 2, BOUND).boxed().collect(Collectors.toList());
		config = FanOutConfig.defaults().withWorkers(workers);
	}

	/** Naive on purpose: every divisor from n - 1 down to 2. */
	static boolean isPrime(int n) {
		for (int divisor = n - 1; divisor > 1; divisor--) {
			if (n % divisor == 0) {
				return false;
			}
		}
		return n > 1;
	}

	@Benchmark
	public Long oneThread() {
		return Flux.fromIterable(numbers).filter(PrimeFinderBenchmark::isPrime).count().block();
	}

	@Benchmark
	public Long fanOut() {
		return Flux.fromIterable(numbers).transform(FanOut.filter(config, PrimeFinderBenchmark::isPrime)).count().block();
	}

	@Benchmark
	public Long reactorParallel() {
		return Flux.fromIterable(numbers)
				.parallel(workers)
				.runOn(Schedulers.parallel())
				.filter(PrimeFinderBenchmark::isPrime)
				.sequential()
				.count()
				.block();
	}
}
