package io.gopherflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

class FanOutTest {

	// A bound on real threads, generous because both cores may be busy with other work.
	private static final Duration WAIT = Duration.ofSeconds(30);

	// More threads than any test's workers, so that the bound observed is the workers'.
	private final Scheduler threads = Schedulers.newParallel("fan-out-test", 8);

	@AfterEach
	void disposeThreads() {
		threads.dispose();
	}

	private FanOutConfig config(int workers, FanOutConfig.Order order) {
		return new FanOutConfig(workers, order, threads);
	}

	@Test
	void nullArgumentsAreRejected() {
		FanOutConfig config = FanOutConfig.defaults();
		assertThatNullPointerException().isThrownBy(() -> FanOut.map(null)).withMessage("stage");
		assertThatNullPointerException().isThrownBy(() -> FanOut.map(null, x -> x)).withMessage("config");
		assertThatNullPointerException().isThrownBy(() -> FanOut.map(config, null)).withMessage("stage");
		assertThatNullPointerException().isThrownBy(() -> FanOut.filter(null)).withMessage("predicate");
		assertThatNullPointerException().isThrownBy(() -> FanOut.filter(null, x -> true)).withMessage("config");
		assertThatNullPointerException().isThrownBy(() -> FanOut.filter(config, null)).withMessage("predicate");
		assertThatNullPointerException().isThrownBy(() -> FanOut.flatMap(null, Mono::just)).withMessage("config");
		assertThatNullPointerException().isThrownBy(() -> FanOut.flatMap(config, null)).withMessage("stage");
	}

	@Test
	void mapAppliesTheStageToEveryElementOnTheWorkers() {
		Set<String> threadNames = ConcurrentHashMap.newKeySet();
		Flux<Integer> squares = Flux.range(1, 100).transform(FanOut.map(config(4, FanOutConfig.Order.COMPLETION), i -> {
			threadNames.add(Thread.currentThread().getName());
			return i * i;
		}));
		List<Integer> out = squares.collectList().block(WAIT);
		assertThat(out).containsExactlyInAnyOrderElementsOf(
				IntStream.rangeClosed(1, 100).mapToObj(i -> i * i).collect(Collectors.toList()));
		assertThat(threadNames).allMatch(name -> name.startsWith("fan-out-test"));
	}

	@Test
	void aNullResultOfMapIsAnError() {
		StepVerifier.create(Flux.just(1).transform(FanOut.map(config(2, FanOutConfig.Order.COMPLETION), i -> null)))
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NullPointerException.class)
						.hasMessageContaining("stage returned null"))
				.verify(WAIT);
	}

	@Test
	void filterKeepsTheAcceptedElementsInInputOrderWhenAsked() {
		StepVerifier.create(Flux.range(1, 50)
						.transform(FanOut.filter(config(4, FanOutConfig.Order.INPUT), i -> i % 3 == 0)))
				.expectNext(3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48)
				.verifyComplete();
	}

	// Element 0 cannot finish before element 1 has: completion order puts 1 first, input order 0.
	private Function<Integer, Integer> secondFinishesFirst() {
		CountDownLatch secondDone = new CountDownLatch(1);
		return i -> {
			if (i == 0) {
				await(secondDone);
			}
			else {
				secondDone.countDown();
			}
			return i;
		};
	}

	@Test
	void completionOrderEmitsTheFastestFirst() {
		// The first element finishes only once the second has come out, so the order cannot depend
		// on which worker thread happens to emit first.
		CountDownLatch secondEmitted = new CountDownLatch(1);
		Function<Integer, Integer> firstWaitsForTheSecond = i -> {
			if (i == 0) {
				await(secondEmitted);
			}
			return i;
		};
		StepVerifier.create(Flux.just(0, 1)
						.transform(FanOut.map(config(2, FanOutConfig.Order.COMPLETION), firstWaitsForTheSecond)))
				.expectNext(1)
				.then(secondEmitted::countDown)
				.expectNext(0)
				.expectComplete()
				.verify(WAIT);
	}

	@Test
	void inputOrderHoldsAnEarlyResultUntilTheOnesBeforeIt() {
		StepVerifier.create(Flux.just(0, 1)
						.transform(FanOut.map(config(2, FanOutConfig.Order.INPUT), secondFinishesFirst())))
				.expectNext(0, 1)
				.expectComplete()
				.verify(WAIT);
	}

	// Element i of 0..3 takes (4 - i) seconds: completion order reverses the input.
	private static Flux<Integer> slowestFirst(FanOutConfig.Order order) {
		VirtualTimeScheduler clock = VirtualTimeScheduler.getOrSet();
		return Flux.range(0, 4).transform(FanOut.flatMap(new FanOutConfig(4, order, Schedulers.immediate()),
				i -> Mono.delay(Duration.ofSeconds(4 - i), clock).thenReturn(i)));
	}

	@Test
	void flatMapMergesAsyncStagesInCompletionOrder() {
		StepVerifier.withVirtualTime(() -> slowestFirst(FanOutConfig.Order.COMPLETION))
				.thenAwait(Duration.ofSeconds(4))
				.expectNext(3, 2, 1, 0)
				.verifyComplete();
	}

	@Test
	void flatMapMergesAsyncStagesInInputOrder() {
		StepVerifier.withVirtualTime(() -> slowestFirst(FanOutConfig.Order.INPUT))
				.thenAwait(Duration.ofSeconds(4))
				.expectNext(0, 1, 2, 3)
				.verifyComplete();
	}

	@Test
	void flatMapCallsTheStageOnTheScheduler() {
		StepVerifier.create(Flux.range(0, 3).transform(FanOut.flatMap(config(2, FanOutConfig.Order.INPUT),
						i -> Mono.just(Thread.currentThread().getName()))))
				.expectNextMatches(name -> name.startsWith("fan-out-test"))
				.expectNextMatches(name -> name.startsWith("fan-out-test"))
				.expectNextMatches(name -> name.startsWith("fan-out-test"))
				.expectComplete()
				.verify(WAIT);
	}

	@Test
	void atMostWorkersCallsRunAtOnceAndThatManyDo() {
		int workers = 3;
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostRunning = new AtomicInteger();
		// Every call waits for two others: the test hangs (and fails) unless 3 run at once.
		CyclicBarrier together = new CyclicBarrier(workers);
		Flux<Integer> out = Flux.range(0, 12).transform(FanOut.map(config(workers, FanOutConfig.Order.COMPLETION), i -> {
			mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
			try {
				together.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (Exception e) {
				throw new IllegalStateException(e);
			}
			running.decrementAndGet();
			return i;
		}));
		assertThat(out.collectList().block(WAIT)).hasSize(12);
		assertThat(mostRunning).hasValue(workers);
	}

	@Test
	void aFailingWorkerFailsTheStageAndCancelsTheOthers() {
		CountDownLatch never = new CountDownLatch(1);
		// The failure waits until the other worker is inside its stage: a task still queued when the
		// stage is cancelled never runs, and there would be nothing to interrupt.
		CountDownLatch otherRunning = new CountDownLatch(1);
		AtomicInteger interrupted = new AtomicInteger();
		Flux<Integer> out = Flux.range(0, 10).transform(FanOut.map(config(2, FanOutConfig.Order.COMPLETION), i -> {
			if (i == 1) {
				await(otherRunning);
				throw new IllegalStateException("boom");
			}
			try {
				otherRunning.countDown();
				never.await();
			}
			catch (InterruptedException e) {
				interrupted.incrementAndGet();
			}
			return i;
		}));
		StepVerifier.create(out)
				.expectErrorMessage("boom")
				.verify(WAIT);
		awaitUntil(() -> interrupted.get() == 1);
	}

	@Test
	void backpressureRequestsNoMoreThanTheWorkersAhead() {
		TestPublisher<Integer> source = TestPublisher.create();
		AtomicInteger calls = new AtomicInteger();
		Flux<Integer> out = source.flux().transform(FanOut.map(config(3, FanOutConfig.Order.COMPLETION), i -> {
			calls.incrementAndGet();
			return i;
		}));
		StepVerifier.create(out, 0)
				.then(() -> source.assertMaxRequested(3))
				.then(() -> source.next(1, 2, 3))
				.then(() -> awaitUntil(() -> calls.get() == 3))
				// nobody has taken a result: the fan-out asks for nothing more
				.then(() -> source.assertMaxRequested(3))
				.thenRequest(1)
				.expectNextCount(1)
				// one result taken, one worker free: exactly one more element is asked for
				.then(() -> source.assertMinRequested(1).assertMaxRequested(1))
				.thenCancel()
				.verify(WAIT);
		assertThat(calls).hasValue(3);
	}

	@Test
	void cancellationStopsTheUpstreamAndEveryWorker() {
		int workers = 4;
		PublisherProbe<Integer> probe = PublisherProbe.of(Flux.range(0, 1_000));
		CountDownLatch allStarted = new CountDownLatch(workers);
		CountDownLatch never = new CountDownLatch(1);
		AtomicInteger started = new AtomicInteger();
		AtomicInteger interrupted = new AtomicInteger();
		Flux<Integer> out = probe.flux().transform(FanOut.map(config(workers, FanOutConfig.Order.INPUT), i -> {
			started.incrementAndGet();
			allStarted.countDown();
			try {
				never.await();
			}
			catch (InterruptedException e) {
				interrupted.incrementAndGet();
			}
			return i;
		}));

		Disposable subscription = out.subscribe();
		await(allStarted);
		subscription.dispose();

		probe.assertWasCancelled();
		awaitUntil(() -> interrupted.get() == workers);
		assertThat(started).as("no call starts after the cancel").hasValue(workers);
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new AssertionError("latch not released in time");
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new AssertionError(e);
		}
	}

	// Polls a condition another thread will make true; a bounded wait, not a timing assertion.
	private static void awaitUntil(BooleanSupplier condition) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("condition not met in time");
			}
			Thread.onSpinWait();
		}
	}
}
