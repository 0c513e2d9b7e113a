package io.gopherflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.data.Percentage.withPercentage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

class QueueStageTest {

	// A bound on real threads, not a speed: 200 000 items on two threads took 4 s with both cores busy.
	private static final Duration WAIT = Duration.ofSeconds(60);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
	private final MicrometerQueueMetrics metrics = new MicrometerQueueMetrics(registry, "q");

	private Timer time(String outcome) {
		return registry.get("gopherflux.pipeline.queue.time").tags("stage", "q", "outcome", outcome).timer();
	}

	private double arrivals() {
		return registry.get("gopherflux.pipeline.queue.arrivals").tag("stage", "q").counter().count();
	}

	@Test
	void nullConfigIsRejected() {
		assertThatNullPointerException().isThrownBy(() -> QueueStage.of(null)).withMessage("config");
	}

	@Nested
	class Policies {

		@ParameterizedTest
		@EnumSource(OverflowPolicy.class)
		void passesEveryElementInOrderWhenTheConsumerKeepsUp(OverflowPolicy policy) {
			StepVerifier.create(Flux.range(1, 1_000).transform(QueueStage.of(QueueConfig.of("q", 4, policy))))
					.expectNextSequence(Flux.range(1, 1_000).toIterable())
					.verifyComplete();
		}

		@Test
		void backpressureLetsTheProducerRunCapacityAheadAndRefillsEachFreedPlace() {
			TestPublisher<Integer> source = TestPublisher.create();
			StepVerifier.create(source.flux().transform(QueueStage.of(QueueConfig.of("q", 4, OverflowPolicy.BACKPRESSURE))), 0)
					.then(() -> source.assertMinRequested(4).assertMaxRequested(4))
					.then(() -> source.next(1, 2, 3, 4))
					.then(() -> source.assertMaxRequested(0))
					.thenRequest(1)
					.expectNext(1)
					.then(() -> source.assertMinRequested(1).assertMaxRequested(1))
					.thenRequest(3)
					.expectNext(2, 3, 4)
					.then(() -> source.assertMinRequested(4).assertMaxRequested(4))
					.thenCancel()
					.verify(WAIT);
			source.assertCancelled();
		}

		@Test
		void dropNewestKeepsTheFirstElementsThatFit() {
			TestPublisher<Integer> source = TestPublisher.create();
			List<Object> discarded = new CopyOnWriteArrayList<>();
			StepVerifier.create(source.flux().transform(QueueStage.of(QueueConfig.of("q", 3, OverflowPolicy.DROP_NEWEST)))
							.doOnDiscard(Object.class, discarded::add), 0)
					.then(() -> source.next(1, 2, 3, 4, 5))
					.thenRequest(10)
					.expectNext(1, 2, 3)
					.then(() -> source.next(6).complete())
					.expectNext(6)
					.verifyComplete();
			assertThat(discarded).containsExactly(4, 5);
		}

		@Test
		void dropOldestKeepsTheFreshestElements() {
			TestPublisher<Integer> source = TestPublisher.create();
			List<Object> discarded = new CopyOnWriteArrayList<>();
			StepVerifier.create(source.flux().transform(QueueStage.of(QueueConfig.of("q", 3, OverflowPolicy.DROP_OLDEST)))
							.doOnDiscard(Object.class, discarded::add), 0)
					.then(() -> source.next(1, 2, 3, 4, 5))
					.thenRequest(10)
					.expectNext(3, 4, 5)
					.then(() -> source.complete())
					.verifyComplete();
			assertThat(discarded).containsExactly(1, 2);
		}

		@Test
		void failDeliversTheQueueThenFailsWithAWellFormedErrorAndCancelsTheProducer() {
			TestPublisher<Integer> source = TestPublisher.create();
			StepVerifier.create(source.flux().transform(QueueStage.of(QueueConfig.of("ingress", 2, OverflowPolicy.FAIL))), 0)
					.then(() -> source.next(1, 2, 3))
					.then(source::assertCancelled)
					.thenRequest(10)
					.expectNext(1, 2)
					.expectErrorSatisfies(e -> {
						assertThat(e).isInstanceOf(QueueOverflowException.class)
								.hasMessageContaining("'ingress'")
								.hasMessageContaining("2 places");
						QueueOverflowException overflow = (QueueOverflowException) e;
						assertThat(overflow.retryable()).isTrue();
						assertThat(overflow.userMessage()).isNotBlank();
						assertThat(overflow.context()).containsEntry("stage", "ingress")
								.containsEntry("capacity", 2)
								.containsEntry("policy", "FAIL");
						assertThat(Exceptions.isOverflow(overflow.getCause())).isTrue();
					})
					.verify(WAIT);
		}

		@Test
		void anUpstreamErrorPassesAsItIsAfterTheQueuedElements() {
			// An overflow error from upstream must not be mistaken for the queue's own.
			IllegalStateException upstream = Exceptions.failWithOverflow("upstream could not keep up");
			TestPublisher<Integer> source = TestPublisher.create();
			StepVerifier.create(source.flux().transform(QueueStage.of(QueueConfig.of("q", 4, OverflowPolicy.FAIL))), 0)
					.then(() -> source.next(1, 2).error(upstream))
					.thenRequest(2)
					.expectNext(1, 2)
					.expectErrorSatisfies(e -> assertThat(e).isSameAs(upstream))
					.verify(WAIT);
		}

		@ParameterizedTest
		@EnumSource(OverflowPolicy.class)
		void cancellationCancelsTheProducerAndDiscardsTheQueue(OverflowPolicy policy) {
			TestPublisher<Integer> source = TestPublisher.create();
			List<Object> discarded = new CopyOnWriteArrayList<>();
			StepVerifier.create(source.flux().transform(QueueStage.of(QueueConfig.of("q", 4, policy)))
							.doOnDiscard(Object.class, discarded::add), 0)
					.then(() -> source.next(1, 2, 3))
					.thenCancel()
					.verify(WAIT);
			source.assertCancelled();
			assertThat(discarded).containsExactly(1, 2, 3);
		}
	}

	@Nested
	class Metrics {

		private QueueConfig config(OverflowPolicy policy, int capacity, Scheduler clock) {
			return QueueConfig.of("q", capacity, policy).withClock(clock).withMetrics(metrics);
		}

		@ParameterizedTest
		@EnumSource(OverflowPolicy.class)
		void timeInStageIsExactOnAVirtualClock(OverflowPolicy policy) {
			VirtualTimeScheduler clock = VirtualTimeScheduler.create();
			TestPublisher<String> source = TestPublisher.create();
			StepVerifier.create(source.flux().transform(QueueStage.of(config(policy, 4, clock))), 0)
					.then(() -> source.next("a"))
					.then(() -> clock.advanceTimeBy(Duration.ofSeconds(1)))
					.then(() -> source.next("b"))
					.then(() -> assertThat(metrics.size()).isEqualTo(2))
					.then(() -> clock.advanceTimeBy(Duration.ofSeconds(2)))
					.thenRequest(2)
					.expectNext("a", "b")
					.then(() -> source.complete())
					.verifyComplete();
			assertThat(arrivals()).isEqualTo(2.0);
			assertThat(metrics.size()).isZero();
			assertThat(time("delivered").count()).isEqualTo(2);
			// "a" waited 3 s, "b" 2 s
			assertThat(time("delivered").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5_000.0);
			assertThat(time("delivered").max(TimeUnit.MILLISECONDS)).isEqualTo(3_000.0);
		}

		@Test
		void anElementDroppedByThePolicyLeavesWithItsTimeInStage() {
			VirtualTimeScheduler clock = VirtualTimeScheduler.create();
			TestPublisher<String> source = TestPublisher.create();
			List<Object> discarded = new CopyOnWriteArrayList<>();
			StepVerifier.create(source.flux().transform(QueueStage.of(config(OverflowPolicy.DROP_OLDEST, 1, clock)))
							.doOnDiscard(Object.class, discarded::add), 0)
					.then(() -> source.next("old"))
					.then(() -> clock.advanceTimeBy(Duration.ofSeconds(4)))
					.then(() -> source.next("new"))
					.thenRequest(1)
					.expectNext("new")
					.thenCancel()
					.verify(WAIT);
			assertThat(discarded).as("the subscriber's hook sees the element, not the stage's envelope")
					.containsExactly("old");
			assertThat(time("dropped").count()).isEqualTo(1);
			assertThat(time("dropped").totalTime(TimeUnit.SECONDS)).isEqualTo(4.0);
			assertThat(time("delivered").count()).isEqualTo(1);
			assertThat(metrics.size()).isZero();
		}

		@ParameterizedTest
		@EnumSource(OverflowPolicy.class)
		void cancellationReturnsLToZeroAndHandsBareElementsToTheDiscardHook(OverflowPolicy policy) {
			TestPublisher<Integer> source = TestPublisher.create();
			List<Object> discarded = new CopyOnWriteArrayList<>();
			StepVerifier.create(source.flux().transform(QueueStage.of(config(policy, 4, Schedulers.immediate())))
							.doOnDiscard(Object.class, discarded::add), 1)
					.then(() -> source.next(1, 2, 3))
					.expectNext(1)
					.then(() -> assertThat(metrics.size()).isEqualTo(2))
					.thenCancel()
					.verify(WAIT);
			source.assertCancelled();
			assertThat(discarded).containsExactly(2, 3);
			assertThat(metrics.size()).isZero();
			assertThat(time("discarded").count()).isEqualTo(2);
			assertThat(time("delivered").count()).isEqualTo(1);
		}

		@Test
		void failCountsTheOverflowingElementAsDropped() {
			TestPublisher<Integer> source = TestPublisher.create();
			StepVerifier.create(source.flux().transform(QueueStage.of(config(OverflowPolicy.FAIL, 2, Schedulers.immediate()))), 0)
					.then(() -> source.next(1, 2, 3))
					.thenRequest(2)
					.expectNext(1, 2)
					.expectError(QueueOverflowException.class)
					.verify(WAIT);
			assertThat(arrivals()).isEqualTo(3.0);
			assertThat(time("delivered").count()).isEqualTo(2);
			assertThat(time("dropped").count()).isEqualTo(1);
			assertThat(metrics.size()).isZero();
		}
	}

	@Nested
	class LittlesLaw {

		private Duration exponential(SplittableRandom random, Duration mean) {
			return Duration.ofNanos((long) (-mean.toNanos() * Math.log(1.0 - random.nextDouble())));
		}

		private double meanTimeInStageNanos() {
			double total = 0;
			long count = 0;
			for (Timer timer : registry.find("gopherflux.pipeline.queue.time").timers()) {
				total += timer.totalTime(TimeUnit.NANOSECONDS);
				count += timer.count();
			}
			return total / count;
		}

		@Test
		void aStableQueueHasLEqualToLambdaTimesW() {
			VirtualTimeScheduler clock = VirtualTimeScheduler.create();
			SplittableRandom arrivalRandom = new SplittableRandom(20_240_401L);
			SplittableRandom serviceRandom = new SplittableRandom(7L);
			int items = 10_000;
			// An M/M/1 queue in front of one server: arrivals every 10 ms and services of 8 ms
			// on average, utilisation 0.8; ingress equals egress in the long run.
			Flux<Integer> served = Flux.range(0, items)
					.concatMap(i -> Mono.delay(exponential(arrivalRandom, Duration.ofMillis(10)), clock).thenReturn(i))
					.transform(QueueStage.of(QueueConfig.of("q", 10_000, OverflowPolicy.DROP_NEWEST)
							.withClock(clock).withMetrics(metrics)))
					.concatMap(i -> Mono.delay(exponential(serviceRandom, Duration.ofMillis(8)), clock).thenReturn(i), 0);

			// L measured on its own: the gauge sampled every millisecond of the run.
			long[] sampled = new long[2];
			Disposable sampler = Flux.interval(Duration.ofMillis(1), clock).subscribe(tick -> {
				sampled[0] += metrics.size();
				sampled[1]++;
			});
			AtomicLong endNanos = new AtomicLong(-1);
			served.count().subscribe(n -> {
				sampler.dispose();
				endNanos.set(clock.now(TimeUnit.NANOSECONDS));
			});
			while (endNanos.get() < 0) {
				clock.advanceTimeBy(Duration.ofSeconds(10));
			}

			double seconds = endNanos.get() / 1e9;
			double measuredL = (double) sampled[0] / sampled[1];
			double lambda = arrivals() / seconds;
			double w = meanTimeInStageNanos() / 1e9;
			assertThat(arrivals()).isEqualTo(items);
			assertThat(time("dropped").count()).isZero();
			assertThat(measuredL).as("L = %.4f, lambda = %.3f/s, W = %.5f s, lambda*W = %.4f", measuredL, lambda, w, lambda * w)
					.isCloseTo(lambda * w, withPercentage(3));
			// and the queue really was used: an M/M/1 queue at 0.8 holds 3.2 waiting on average
			assertThat(measuredL).isGreaterThan(1.0);
		}

		@Test
		void anUnstableQueueGrowsUntilThePolicyDropsTheOldest() {
			VirtualTimeScheduler clock = VirtualTimeScheduler.create();
			int capacity = 50;
			// Ingress 100/s, egress 50/s: L grows by about 50 a second until the queue is full.
			Flux<Long> served = Flux.interval(Duration.ofMillis(10), clock)
					.transform(QueueStage.of(QueueConfig.of("q", capacity, OverflowPolicy.DROP_OLDEST)
							.withClock(clock).withMetrics(metrics)))
					.concatMap(i -> Mono.delay(Duration.ofMillis(20), clock).thenReturn(i), 0);
			Disposable run = served.subscribe();

			List<Long> sizes = new ArrayList<>();
			List<Long> drops = new ArrayList<>();
			for (int quarter = 1; quarter <= 8; quarter++) {
				clock.advanceTimeBy(Duration.ofMillis(250));
				sizes.add(metrics.size());
				drops.add(time("dropped").count());
			}
			run.dispose();

			assertThat(sizes.subList(0, 4)).isSorted().doesNotHaveDuplicates();
			assertThat(sizes.get(0)).isBetween(10L, 14L);
			assertThat(sizes.subList(4, 8)).containsOnly((long) capacity);
			assertThat(drops.get(3)).isLessThan(drops.get(7));
			assertThat(drops.get(7)).isGreaterThan(0L);
			// nothing is lost from the books: every arrival was delivered, dropped or is still queued
			assertThat(arrivals()).isEqualTo(
					time("delivered").count() + time("dropped").count() + time("discarded").count() + metrics.size());
		}

		@Test
		void anUnstableQueueWithFailGrowsToCapacityThenFails() {
			int capacity = 50;
			long[] largest = new long[1];
			StepVerifier.withVirtualTime(() -> {
						Scheduler clock = Schedulers.parallel();
						Flux.interval(Duration.ofMillis(5), clock)
								.subscribe(tick -> largest[0] = Math.max(largest[0], metrics.size()));
						return Flux.interval(Duration.ofMillis(10), clock)
								.transform(QueueStage.of(QueueConfig.of("q", capacity, OverflowPolicy.FAIL)
										.withClock(clock).withMetrics(metrics)))
								.concatMap(i -> Mono.delay(Duration.ofMillis(20), clock).thenReturn(i), 0);
					})
					.thenAwait(Duration.ofSeconds(5))
					.thenConsumeWhile(i -> true)
					.expectError(QueueOverflowException.class)
					.verify(WAIT);
			assertThat(largest[0]).isEqualTo(capacity);
			assertThat(time("dropped").count()).isEqualTo(1);
			assertThat(metrics.size()).isZero();
		}
	}

	@Nested
	class Concurrency {

		private final Scheduler producer = Schedulers.newSingle("producer");
		private final Scheduler consumer = Schedulers.newSingle("consumer");

		@AfterEach
		void dispose() {
			producer.dispose();
			consumer.dispose();
		}

		@ParameterizedTest
		@EnumSource(OverflowPolicy.class)
		void aProducerAndAConsumerOnTwoThreadsKeepOrderAndTheBooks(OverflowPolicy policy) {
			int items = 200_000;
			List<Integer> out = Flux.range(0, items)
					.subscribeOn(producer)
					.transform(QueueStage.of(QueueConfig.of("q", 64, policy).withMetrics(metrics)))
					.publishOn(consumer, 16)
					.collectList()
					.onErrorResume(QueueOverflowException.class, e -> Mono.just(List.of()))
					.block(WAIT);
			assertThat(out).isSorted().doesNotHaveDuplicates();
			if (policy == OverflowPolicy.BACKPRESSURE) {
				assertThat(out).hasSize(items);
			}
			assertThat(metrics.size()).isZero();
			assertThat(arrivals()).isEqualTo(
					time("delivered").count() + time("dropped").count() + time("discarded").count());
		}

		@ParameterizedTest
		@EnumSource(OverflowPolicy.class)
		void cancellingWhileTheProducerRunsLeavesNothingInTheStage(OverflowPolicy policy) {
			for (int round = 0; round < 200; round++) {
				Disposable run = Flux.range(0, 100_000)
						.subscribeOn(producer)
						.transform(QueueStage.of(QueueConfig.of("q", 32, policy).withMetrics(metrics)))
						.publishOn(consumer, 8)
						.subscribe(i -> { }, e -> { });
				long cancelAfter = (long) round * 50;
				awaitUntil(() -> arrivals() >= cancelAfter || run.isDisposed());
				run.dispose();
				awaitUntil(() -> metrics.size() == 0);
			}
		}
	}

	// Polls a condition other threads will make true; a bounded wait, not a timing assertion.
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
