package io.gopherflux.samples.pipeline;

import java.io.PrintStream;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.gopherflux.pipeline.FanOut;
import io.gopherflux.pipeline.FanOutConfig;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Fan-out, fan-in: random integers go through a deliberately slow prime test until ten primes
 * are found, first on one worker, then on one worker per processor in completion order and in
 * input order. Each search prints its primes and how long it took on the scheduler's clock.
 * <p>
 * The prime test is the stage worth fanning out: it keeps no state between elements and takes
 * long. Once {@code take(10)} has its primes it cancels the workers still testing.
 */
public final class PrimeFinderSample implements Sample {

	/** The random integers are drawn from [2, BOUND). */
	static final int BOUND = 2_000_000;
	static final long SEED = 2017L;
	static final int PRIMES = 10;

	@Override
	public String name() {
		return "prime-finder";
	}

	@Override
	public String summary() {
		return "Fan-out, fan-in: ten primes by a naive test, on one worker and on one per processor";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		int workers = Runtime.getRuntime().availableProcessors();
		FanOutConfig fanned = FanOutConfig.defaults().withWorkers(workers).withScheduler(scheduler);
		return search(out, scheduler, "one worker", flux -> flux.filter(PrimeFinderSample::isPrime))
				.then(search(out, scheduler, workers + " workers, completion order",
						FanOut.filter(fanned, PrimeFinderSample::isPrime)))
				.then(search(out, scheduler, workers + " workers, input order",
						FanOut.filter(fanned.withOrder(FanOutConfig.Order.INPUT), PrimeFinderSample::isPrime)));
	}

	private static Mono<Void> search(PrintStream out, Scheduler clock, String title,
			Function<Flux<Integer>, Flux<Integer>> primeFinder) {
		return Mono.defer(() -> {
			long start = clock.now(TimeUnit.MILLISECONDS);
			out.println("primes, " + title + ":");
			return randomIntegers()
					.transform(primeFinder)
					.take(PRIMES)
					.doOnNext(prime -> out.println("\t" + prime))
					.then(Mono.fromRunnable(() ->
							out.println("\tsearch took " + (clock.now(TimeUnit.MILLISECONDS) - start) + " ms")));
		});
	}

	/** The endless stream of random integers, the same for every search. */
	static Flux<Integer> randomIntegers() {
		return Flux.generate(() -> new SplittableRandom(SEED), (random, sink) -> {
			sink.next(random.nextInt(2, BOUND));
			return random;
		});
	}

	/** Naive on purpose, to make a slow stage: tries every divisor from n - 1 down to 2. */
	static boolean isPrime(int n) {
		for (int divisor = n - 1; divisor > 1; divisor--) {
			if (n % divisor == 0) {
				return false;
			}
		}
		return n > 1;
	}
}
