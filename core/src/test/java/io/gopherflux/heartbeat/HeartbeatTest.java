package io.gopherflux.heartbeat;

import io.gopherflux.testing.RawSubscriber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Scannable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

class HeartbeatTest {

	private static final Beat<Integer> PULSE = Beat.pulse();
	private static final Duration SECOND = Duration.ofSeconds(1);

	private final CountingScheduler scheduler = CountingScheduler.create();
	private final VirtualTimeScheduler clock = scheduler.virtualTime();

	@Test
	void nullArgumentsAreRejectedAtAssembly() {
		Flux<Integer> results = Flux.just(1);
		assertThatNullPointerException().isThrownBy(() -> Heartbeat.interval(null, SECOND)).withMessage("results");
		assertThatNullPointerException().isThrownBy(() -> Heartbeat.interval(results, null)).withMessage("pulseInterval");
		assertThatNullPointerException().isThrownBy(() -> Heartbeat.interval(results, SECOND, null)).withMessage("scheduler");
		assertThatNullPointerException().isThrownBy(() -> Heartbeat.pulsing(null, Flux.never())).withMessage("results");
		assertThatNullPointerException().isThrownBy(() -> Heartbeat.pulsing(results, null)).withMessage("pulses");
		assertThatNullPointerException().isThrownBy(() -> Heartbeat.perUnit(null)).withMessage("results");
		assertThatNullPointerException().isThrownBy(() -> Heartbeat.watchdog(null)).withMessage("timeout");
		assertThatNullPointerException().isThrownBy(() -> Heartbeat.watchdog(null, SECOND, scheduler)).withMessage("name");
		assertThatNullPointerException().isThrownBy(() -> Heartbeat.watchdog("w", null, scheduler)).withMessage("timeout");
		assertThatNullPointerException().isThrownBy(() -> Heartbeat.watchdog("w", SECOND, null)).withMessage("scheduler");
		assertThatNullPointerException().isThrownBy(() -> Beat.value(null)).withMessage("value");
	}

	@Test
	void nonPositiveDurationsAreRejectedAtAssembly() {
		assertThatIllegalArgumentException().isThrownBy(() -> Heartbeat.interval(Flux.just(1), Duration.ZERO))
				.withMessage("pulseInterval must be positive, was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> Heartbeat.interval(Flux.just(1), Duration.ofSeconds(-1)))
				.withMessageContaining("pulseInterval");
		assertThatIllegalArgumentException().isThrownBy(() -> Heartbeat.watchdog(Duration.ZERO))
				.withMessage("timeout must be positive, was PT0S");
	}

	@Test
	void beatsSayWhatTheyAre() {
		assertThat(Beat.pulse().isPulse()).isTrue();
		assertThat(Beat.pulse().isValue()).isFalse();
		assertThat(Beat.pulse()).isSameAs(Beat.pulse()).hasToString("pulse");
		assertThat(Beat.value(3).isValue()).isTrue();
		assertThat(Beat.value(3)).isEqualTo(Beat.value(3)).hasToString("value(3)");
	}

	@Test
	void intervalPulsesWhileIdle() {
		StepVerifier.withVirtualTime(() -> Heartbeat.interval(Flux.<Integer>never(), SECOND, scheduler), () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.expectNoEvent(SECOND)
				.expectNext(PULSE)
				.expectNoEvent(SECOND)
				.expectNext(PULSE)
				.thenAwait(Duration.ofSeconds(3))
				.expectNext(PULSE, PULSE, PULSE)
				.thenCancel()
				.verify();
		assertThat(scheduler.liveTimers()).isZero();
	}

	@Test
	void intervalPulsesBetweenResultsInTheBooksRhythm() {
		// The book's doWork: pulses every second, a result every two seconds, for 5 s.
		StepVerifier.withVirtualTime(() -> Heartbeat.interval(Flux.interval(Duration.ofSeconds(2), scheduler), SECOND, scheduler)
						.take(Duration.ofMillis(5_500), scheduler), () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.thenAwait(Duration.ofSeconds(6))
				.expectNext(Beat.pulse(), Beat.value(0L), Beat.pulse(), Beat.pulse(), Beat.value(1L), Beat.pulse(), Beat.pulse())
				.verifyComplete();
		assertThat(scheduler.liveTimers()).isZero();
	}

	@Test
	void pulsesWithoutDemandAreDroppedNotQueued() {
		StepVerifier.withVirtualTime(() -> Heartbeat.interval(Flux.<Integer>never(), SECOND, scheduler), () -> clock, 0)
				.expectSubscription()
				.expectNoEvent(Duration.ofSeconds(5))
				.thenRequest(3)
				// Five ticks went by unasked: none of them is delivered late.
				.expectNoEvent(SECOND)
				.expectNext(PULSE)
				.thenCancel()
				.verify();
	}

	@Test
	void countsDroppedPulses() {
		TestPublisher<Long> ticks = TestPublisher.create();
		AtomicInteger triggers = new AtomicInteger();
		AtomicInteger pulses = new AtomicInteger();
		StepVerifier.create(Heartbeat.pulsing(Flux.<Integer>never(), ticks.flux().doOnNext(t -> triggers.incrementAndGet()))
						.doOnNext(beat -> pulses.incrementAndGet()), 0)
				.expectSubscription()
				.then(() -> ticks.next(1L, 2L, 3L, 4L, 5L))
				.thenRequest(2)
				.then(() -> ticks.next(6L))
				.expectNext(PULSE)
				.then(() -> ticks.next(7L))
				.expectNext(PULSE)
				.then(() -> ticks.next(8L, 9L))
				.thenCancel()
				.verify(Duration.ofSeconds(5));
		assertThat(triggers).hasValue(9);
		assertThat(pulses).hasValue(2);
		// Ticks 1-5 came before any demand, 8 and 9 after the demand of 2 was used up.
		assertThat(triggers.get() - pulses.get()).as("dropped pulses").isEqualTo(7);
		ticks.assertCancelled();
	}

	@Test
	void resultsKeepFullBackpressureWhilePulsesAreDropped() {
		TestPublisher<Integer> results = TestPublisher.create();
		StepVerifier.withVirtualTime(() -> Heartbeat.interval(results.flux(), SECOND, scheduler), () -> clock, 0)
				.expectSubscription()
				.thenAwait(Duration.ofSeconds(4))
				.then(() -> results.assertMaxRequested(0))
				.thenRequest(2)
				.then(() -> results.next(1, 2))
				.expectNext(Beat.value(1), Beat.value(2))
				// Four ticks nobody asked for: dropped.
				.expectNoEvent(Duration.ofSeconds(4))
				.thenRequest(1)
				.expectNoEvent(Duration.ofMillis(999))
				.thenAwait(Duration.ofMillis(1))
				.expectNext(PULSE)
				// The pulse took the demand the results were asked for: their value waits for the next request.
				.then(() -> results.next(3))
				.expectNoEvent(Duration.ofSeconds(2))
				.thenRequest(1)
				.expectNext(Beat.value(3))
				.thenCancel()
				.verify();
		results.assertCancelled();
	}

	/** What the consumer did not ask for is not asked of the results: a watchdog on them sees the consumer's demand. */
	@Test
	void asksTheResultsForNoMoreThanTheConsumerAskedFor() {
		TestPublisher<Integer> results = TestPublisher.create();
		TestPublisher<Long> ticks = TestPublisher.create();
		StepVerifier.create(Heartbeat.pulsing(results.flux(), ticks.flux()), 0)
				.expectSubscription()
				.then(() -> results.assertMaxRequested(0))
				.thenRequest(1)
				.then(() -> results.assertMinRequested(1).assertMaxRequested(1))
				.then(() -> results.next(5))
				.expectNext(Beat.value(5))
				.then(() -> results.assertMaxRequested(0))
				// A pulse takes the demand the results were asked for: their value waits, and nothing more is asked.
				.thenRequest(1)
				.then(() -> ticks.next(0L))
				.expectNext(PULSE)
				.then(() -> results.next(6))
				.then(() -> results.assertMaxRequested(0))
				.thenRequest(1)
				.expectNext(Beat.value(6))
				.then(() -> results.assertMaxRequested(0))
				.thenRequest(100)
				.then(() -> results.assertMinRequested(Heartbeat.PREFETCH).assertMaxRequested(Heartbeat.PREFETCH))
				.thenCancel()
				.verify(Duration.ofSeconds(5));
	}

	@Test
	void droppedPulseTriggersGoToTheDiscardHook() {
		TestPublisher<Long> ticks = TestPublisher.create();
		List<Object> discarded = new CopyOnWriteArrayList<>();
		StepVerifier.create(Heartbeat.pulsing(Flux.<Integer>never(), ticks.flux()).doOnDiscard(Object.class, discarded::add), 0)
				.expectSubscription()
				.then(() -> ticks.next(1L, 2L))
				.thenRequest(1)
				.then(() -> ticks.next(3L))
				.expectNext(PULSE)
				.then(() -> ticks.next(4L))
				.thenCancel()
				.verify(Duration.ofSeconds(5));
		assertThat(discarded).containsExactly(1L, 2L, 4L);
	}

	@Test
	void assemblyHooksSeeTheHeartbeats() {
		List<String> assembled = new CopyOnWriteArrayList<>();
		Hooks.onEachOperator("heartbeat-test", publisher -> {
			assembled.add(publisher.getClass().getSimpleName());
			return publisher;
		});
		try {
			Heartbeat.interval(Flux.never(), SECOND, scheduler);
			Heartbeat.pulsing(Flux.never(), Flux.never());
		}
		finally {
			Hooks.resetOnEachOperator("heartbeat-test");
		}
		assertThat(assembled.stream().filter("FluxHeartbeat"::equals)).hasSize(2);

		Hooks.onOperatorDebug();
		try {
			Flux<Beat<Integer>> debugged = Heartbeat.pulsing(Flux.never(), Flux.error(new IllegalStateException("pulse broke")));
			StepVerifier.create(debugged)
					.expectErrorSatisfies(e -> assertThat(e.getSuppressed()).anySatisfy(trace ->
							assertThat(trace.toString()).contains("FluxHeartbeat")))
					.verify(Duration.ofSeconds(5));
		}
		finally {
			Hooks.resetOnOperatorDebug();
		}
	}

	@Test
	void scansLikeAReactorOperator() {
		TestPublisher<Integer> results = TestPublisher.create();
		TestPublisher<Long> ticks = TestPublisher.create();
		Flux<Beat<Integer>> beats = Heartbeat.pulsing(results.flux(), ticks.flux());
		assertThat(Scannable.from(beats).scan(Scannable.Attr.PREFETCH)).isEqualTo(Heartbeat.PREFETCH);

		AtomicReference<Subscription> upstream = new AtomicReference<>();
		BaseSubscriber<Beat<Integer>> subscriber = new BaseSubscriber<>() {
			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				upstream.set(subscription);
			}
		};
		beats.subscribe(subscriber);
		Scannable main = Scannable.from(upstream.get());
		assertThat(main.scanUnsafe(Scannable.Attr.ACTUAL)).isSameAs(subscriber);
		assertThat(main.inners()).hasSize(2).allSatisfy(inner -> {
			assertThat(inner.scan(Scannable.Attr.PARENT)).isNotNull();
			assertThat(inner.scanUnsafe(Scannable.Attr.ACTUAL)).isSameAs(main);
		});
		subscriber.request(2);
		results.next(1);
		assertThat(main.scan(Scannable.Attr.REQUESTED_FROM_DOWNSTREAM)).isEqualTo(1L);
		assertThat(main.scan(Scannable.Attr.BUFFERED)).isZero();
		results.complete();
		assertThat(main.scan(Scannable.Attr.TERMINATED)).isTrue();
		assertThat(main.scan(Scannable.Attr.CANCELLED)).isFalse();
	}

	@Test
	void requestsResultsInBatchesOfThePrefetch() {
		TestPublisher<Integer> results = TestPublisher.create();
		StepVerifier.create(Heartbeat.pulsing(results.flux(), Flux.never()))
				.then(() -> results.assertMinRequested(Heartbeat.PREFETCH).assertMaxRequested(Heartbeat.PREFETCH))
				.then(() -> results.emit(Flux.range(0, 100).toStream().toArray(Integer[]::new)))
				.expectNextCount(100)
				.verifyComplete();
	}

	@Test
	void completesWithTheResultsAndStopsTheTicker() {
		PublisherProbe<Long> ticks = PublisherProbe.of(Flux.never());
		StepVerifier.create(Heartbeat.pulsing(Flux.just(1, 2), ticks.flux()))
				.expectNext(Beat.value(1), Beat.value(2))
				.verifyComplete();
		ticks.assertWasCancelled();
	}

	@Test
	void queuedResultsAreEmittedBeforeCompletion() {
		StepVerifier.create(Heartbeat.pulsing(Flux.just(1, 2, 3), Flux.never()), 1)
				.expectNext(Beat.value(1))
				.thenRequest(2)
				.expectNext(Beat.value(2), Beat.value(3))
				.verifyComplete();
	}

	@Test
	void failsWithTheResultsAfterTheirValuesAndStopsTheTicker() {
		PublisherProbe<Long> ticks = PublisherProbe.of(Flux.never());
		StepVerifier.create(Heartbeat.pulsing(Flux.just(1, 2).concatWith(Mono.error(new IllegalStateException("boom"))), ticks.flux()), 1)
				.expectNext(Beat.value(1))
				.thenRequest(1)
				.expectNext(Beat.value(2))
				.verifyErrorMessage("boom");
		ticks.assertWasCancelled();
	}

	@Test
	void aFailingPulseSourceFailsTheStreamAndCancelsTheResults() {
		PublisherProbe<Integer> results = PublisherProbe.of(Flux.never());
		StepVerifier.create(Heartbeat.pulsing(results.flux(), Flux.error(new IllegalStateException("pulse broke"))))
				.verifyErrorMessage("pulse broke");
		results.assertWasCancelled();
	}

	@Test
	void aCompletedPulseSourceOnlyStopsThePulses() {
		TestPublisher<Integer> results = TestPublisher.create();
		StepVerifier.create(Heartbeat.pulsing(results.flux(), Flux.just(1L)))
				.expectNext(PULSE)
				.then(() -> results.next(7).complete())
				.expectNext(Beat.value(7))
				.verifyComplete();
	}

	@Test
	void cancellingCancelsBothSourcesAndTheTimer() {
		PublisherProbe<Integer> results = PublisherProbe.of(Flux.never());
		StepVerifier.withVirtualTime(() -> Heartbeat.interval(results.flux(), SECOND, scheduler), () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.then(() -> assertThat(scheduler.liveWorkers()).isEqualTo(1))
				.thenAwait(SECOND)
				.expectNext(PULSE)
				.thenCancel()
				.verify();
		results.assertWasCancelled();
		assertThat(scheduler.liveTimers()).isZero();
	}

	@Test
	void aBadRequestFailsWithIllegalArgument() {
		PublisherProbe<Integer> results = PublisherProbe.of(Flux.never());
		RawSubscriber<Beat<Integer>> subscriber = new RawSubscriber<>();
		Heartbeat.pulsing(results.flux(), Flux.never()).subscribe(subscriber);
		subscriber.subscription.request(0);
		assertThat(subscriber.error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
		results.assertWasCancelled();
	}

	@Test
	void perUnitPulsesBeforeEachValue() {
		StepVerifier.create(Heartbeat.perUnit(Flux.just(4, 5)))
				.expectNext(PULSE, Beat.value(4), PULSE, Beat.value(5))
				.verifyComplete();
	}

	@Test
	void perUnitAsksForOneUnitAtATimeAndHoldsAtMostOnePulse() {
		TestPublisher<Integer> results = TestPublisher.create();
		StepVerifier.create(Heartbeat.perUnit(results.flux()), 1)
				.then(() -> results.assertMaxRequested(1))
				.then(() -> results.next(4))
				.expectNext(PULSE)
				.then(() -> results.assertMaxRequested(0))
				.thenRequest(1)
				.expectNext(Beat.value(4))
				.thenRequest(1)
				.then(() -> results.next(5))
				.expectNext(PULSE)
				.thenCancel()
				.verify();
		results.assertCancelled();
	}

	@Test
	void valuesDropsPulsesAndAsksForValuesOnly() {
		TestPublisher<Long> ticks = TestPublisher.create();
		TestPublisher<Integer> results = TestPublisher.create();
		StepVerifier.create(Heartbeat.pulsing(results.flux(), ticks.flux()).transform(Heartbeat.values()), 1)
				.then(() -> ticks.next(1L, 2L))
				.then(() -> results.next(9))
				.expectNext(9)
				.then(() -> ticks.next(3L))
				.thenCancel()
				.verify();
	}

	/** The book's first test: a ward that pulses per unit of work, after a start-up delay. */
	@Test
	void booksTestPerUnitHeartbeatLetsTheTestWaitForTheWorkWithoutTimeouts() {
		List<Integer> numbers = List.of(0, 1, 2, 3, 5);
		// The ward takes a while to start, however long: nothing in the test depends on it.
		StepVerifier.withVirtualTime(() -> Heartbeat.perUnit(Mono.delay(Duration.ofSeconds(2), scheduler)
						.thenMany(Flux.fromIterable(numbers))), () -> clock, 1)
				.thenAwait(Duration.ofDays(1))
				// Block on the first heartbeat: it comes with the first result, whenever the ward gets to it.
				.expectNext(PULSE)
				.thenRequest(Long.MAX_VALUE)
				.expectNext(Beat.value(0), PULSE, Beat.value(1), PULSE, Beat.value(2), PULSE, Beat.value(3), PULSE, Beat.value(5))
				.verifyComplete();
	}

	/** The book's second test: an interval heartbeat keeps a waiting consumer's watchdog quiet. */
	@Test
	void booksTestIntervalHeartbeatDeliversEveryNumberUnderAWatchdog() {
		Duration timeout = Duration.ofSeconds(2);
		List<Integer> numbers = List.of(0, 1, 2, 3, 5);
		StepVerifier.withVirtualTime(() -> Mono.delay(Duration.ofSeconds(2), scheduler)
						.thenMany(Heartbeat.interval(Flux.fromIterable(numbers), timeout.dividedBy(2), scheduler))
						// Wait for the first beat, then let the watchdog guard the rest.
						.switchOnFirst((first, beats) -> beats.transform(Heartbeat.watchdog("doWork", timeout, scheduler)))
						.transform(Heartbeat.values()), () -> clock, Long.MAX_VALUE)
				.thenAwait(Duration.ofDays(1))
				.expectNext(0, 1, 2, 3, 5)
				.verifyComplete();
		assertThat(scheduler.liveTimers()).isZero();
	}

	/** The book's unhealthy worker: its loop runs two iterations, then returns without closing. */
	@Test
	void booksIntervalHeartbeatCatchesAWardThatHangsAfterTwoIterations() {
		Duration timeout = Duration.ofSeconds(2);
		StepVerifier.withVirtualTime(() -> Heartbeat.pulsing(Flux.<Long>never(),
								Flux.interval(timeout.dividedBy(2), scheduler).take(2))
						.transform(Heartbeat.watchdog("doWork", timeout, scheduler)), () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.expectNoEvent(SECOND)
				.expectNext(Beat.pulse())
				.expectNoEvent(SECOND)
				.expectNext(Beat.pulse())
				.expectNoEvent(Duration.ofMillis(1_999))
				.thenAwait(Duration.ofMillis(1))
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HeartbeatTimeoutException.class)
						.hasMessage("no heartbeat from 'doWork' within PT2S"))
				.verify(Duration.ofSeconds(10));
		assertThat(clock.now(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(4);
		assertThat(scheduler.liveTimers()).isZero();
	}
}
