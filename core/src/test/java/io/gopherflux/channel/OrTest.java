package io.gopherflux.channel;

import io.gopherflux.testing.RawSubscriber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;
import reactor.test.subscriber.TestSubscriber;
import reactor.test.util.RaceTestUtils;

class OrTest {

	@Test
	void nullArgumentsAreRejectedAtAssembly() {
		assertThatNullPointerException().isThrownBy(() -> Or.of((Publisher<?>[]) null)).withMessage("signals");
		assertThatNullPointerException().isThrownBy(() -> Or.of((Iterable<Publisher<?>>) null)).withMessage("signals");
		assertThatNullPointerException().isThrownBy(() -> Or.of(Mono.never(), null)).withMessage("signals[1]");
		assertThatNullPointerException().isThrownBy(() -> Or.of(Arrays.asList(null, Mono.never())))
				.withMessage("signals[0]");
	}

	@Test
	void passesThroughTheAssemblyHooks() {
		List<Publisher<?>> seen = new CopyOnWriteArrayList<>();
		Hooks.onEachOperator("orTest", p -> {
			seen.add(p);
			return p;
		});
		try {
			Mono<Void> some = Or.of(Mono.never(), Mono.never());
			Mono<Void> listed = Or.of(List.of(Mono.never()));
			Mono<Void> none = Or.of();
			assertThat(seen).contains(some, listed, none).filteredOn(p -> p instanceof Or).hasSize(3);
		}
		finally {
			Hooks.resetOnEachOperator("orTest");
		}
	}

	@Test
	void operatorDebugNamesOrInAnErrorsAssemblyTrace() {
		Hooks.onOperatorDebug();
		try {
			StepVerifier.create(Or.of(Mono.never(), Mono.error(new IllegalStateException("boom"))))
					.expectErrorSatisfies(e -> assertThat(TeeTest.assemblyTraces(e)).anyMatch(m -> m.contains("Or.of")))
					.verify(Duration.ofSeconds(10));
		}
		finally {
			Hooks.resetOnOperatorDebug();
		}
	}

	@Test
	void plainInputPublishersAreAdaptedWithFluxFrom() {
		List<Publisher<?>> seen = new CopyOnWriteArrayList<>();
		Flux<Object> done = Flux.empty();
		Publisher<Object> plain = done::subscribe;
		Hooks.onEachOperator("orPlain", p -> {
			seen.add(p);
			return p;
		});
		try {
			StepVerifier.create(Or.of(Mono.never(), plain)).verifyComplete();
		}
		finally {
			Hooks.resetOnEachOperator("orPlain");
		}
		assertThat(seen).anyMatch(p -> p != plain && Scannable.from(p).scanUnsafe(Scannable.Attr.PARENT) == plain);
	}

	@Test
	void isScannable() {
		Scannable or = Scannable.from(Or.of(Mono.never()));
		assertThat(or.isScanAvailable()).isTrue();
		assertThat(or.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);
	}

	@Test
	void itsCoordinatorAndInputSubscribersAreScannable() {
		TestPublisher<Object> a = TestPublisher.create();
		TestPublisher<Object> b = TestPublisher.create();
		AtomicReference<Subscription> subscription = new AtomicReference<>();
		TestSubscriber<Void> subscriber = TestSubscriber.create();
		Or.of(a, b).doOnSubscribe(subscription::set).subscribe(subscriber);

		Scannable coordinator = Scannable.from(subscription.get());
		assertThat(coordinator.isScanAvailable()).isTrue();
		assertThat(coordinator.scan(Scannable.Attr.ACTUAL)).isNotNull();
		assertThat(coordinator.scan(Scannable.Attr.CANCELLED)).isFalse();
		assertThat(coordinator.scan(Scannable.Attr.TERMINATED)).isFalse();
		assertThat(coordinator.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);
		List<Scannable> inputs = new ArrayList<>();
		coordinator.inners().forEach(inputs::add);
		assertThat(inputs).hasSize(2);

		Scannable first = inputs.get(0);
		assertThat(first.scan(Scannable.Attr.PARENT)).isNotNull();
		assertThat(first.scan(Scannable.Attr.ACTUAL)).isSameAs(coordinator);
		assertThat(first.scan(Scannable.Attr.CANCELLED)).isFalse();
		assertThat(first.scan(Scannable.Attr.TERMINATED)).isFalse();
		assertThat(first.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);

		b.complete();
		assertThat(coordinator.scan(Scannable.Attr.TERMINATED)).isTrue();
		assertThat(coordinator.scan(Scannable.Attr.CANCELLED)).isFalse();
		assertThat(first.scan(Scannable.Attr.CANCELLED)).isTrue();
		assertThat(inputs.get(1).scan(Scannable.Attr.TERMINATED)).isTrue();
	}

	@Test
	void aCancelledCoordinatorScansAsCancelled() {
		AtomicReference<Subscription> subscription = new AtomicReference<>();
		TestSubscriber<Void> subscriber = TestSubscriber.create();
		Or.of(Mono.never()).doOnSubscribe(subscription::set).subscribe(subscriber);
		subscriber.cancel();
		Scannable coordinator = Scannable.from(subscription.get());
		assertThat(coordinator.scan(Scannable.Attr.CANCELLED)).isTrue();
		assertThat(coordinator.scan(Scannable.Attr.TERMINATED)).isFalse();
	}

	@Test
	void noInputsNeverComplete() {
		StepVerifier.withVirtualTime(Or::of)
				.expectSubscription()
				.expectNoEvent(Duration.ofDays(365))
				.thenCancel()
				.verify();
	}

	@Test
	void oneInputFiresWhenItEmits() {
		TestPublisher<String> only = TestPublisher.create();
		StepVerifier.create(Or.of(only))
				.expectSubscription()
				.then(() -> only.next("closed"))
				.verifyComplete();
		only.assertCancelled();
	}

	@Test
	void oneInputFiresWhenItCompletes() {
		StepVerifier.create(Or.of(Flux.empty())).verifyComplete();
	}

	@Test
	void firesOnTheEarliestOfTheBooksFiveSignals() {
		StepVerifier.withVirtualTime(() -> Or.of(sig(Duration.ofHours(2)), sig(Duration.ofMinutes(5)),
						sig(Duration.ofSeconds(1)), sig(Duration.ofHours(1)), sig(Duration.ofMinutes(1))))
				.expectSubscription()
				.expectNoEvent(Duration.ofMillis(999))
				.thenAwait(Duration.ofMillis(1))
				.verifyComplete();
	}

	private static Mono<Void> sig(Duration after) {
		return Mono.delay(after).then();
	}

	@Test
	void theFirstSignalCancelsEveryOther() {
		List<PublisherProbe<Object>> others = new ArrayList<>();
		List<Publisher<?>> inputs = new ArrayList<>();
		TestPublisher<Object> winner = TestPublisher.create();
		for (int i = 0; i < 5; i++) {
			PublisherProbe<Object> probe = PublisherProbe.of(Flux.never());
			others.add(probe);
			inputs.add(probe.flux());
		}
		inputs.add(2, winner);

		StepVerifier.create(Or.of(inputs))
				.expectSubscription()
				.then(() -> others.forEach(PublisherProbe::assertWasSubscribed))
				.then(winner::complete)
				.verifyComplete();
		others.forEach(PublisherProbe::assertWasCancelled);
	}

	@Test
	void inputsAfterOneThatFiresWhileSubscribingAreNeverSubscribed() {
		PublisherProbe<Object> before = PublisherProbe.of(Flux.never());
		PublisherProbe<Object> after = PublisherProbe.of(Flux.never());
		StepVerifier.create(Or.of(before.flux(), Mono.just("now"), after.flux())).verifyComplete();
		before.assertWasCancelled();
		after.assertWasNotSubscribed();
	}

	@Test
	void anInputsValueIsOnlyASignal() {
		List<Long> requests = new ArrayList<>();
		Flux<Integer> values = Flux.range(1, 100).doOnRequest(requests::add);
		StepVerifier.create(Or.of(values, Flux.never())).verifyComplete();
		assertThat(requests).containsExactly(1L);
	}

	@Test
	void anErrorBeforeAnySignalFailsAndCancelsTheOthers() {
		PublisherProbe<Object> other = PublisherProbe.of(Flux.never());
		TestPublisher<Object> failing = TestPublisher.create();
		StepVerifier.create(Or.of(other.flux(), failing))
				.expectSubscription()
				.then(() -> failing.error(new IllegalStateException("boom")))
				.expectErrorMessage("boom")
				.verify();
		other.assertWasCancelled();
	}

	@Test
	void anErrorAfterTheSignalIsDropped() {
		TestPublisher<Object> first = TestPublisher.createNoncompliant(TestPublisher.Violation.CLEANUP_ON_TERMINATE);
		TestPublisher<Object> second = TestPublisher.createNoncompliant(TestPublisher.Violation.CLEANUP_ON_TERMINATE);
		StepVerifier.create(Or.of(first, second))
				.expectSubscription()
				.then(first::complete)
				.then(() -> second.error(new IllegalStateException("late")))
				.expectComplete()
				.verifyThenAssertThat()
				.hasDroppedErrorWithMessage("late");
	}

	@Test
	void cancellationCancelsEveryInput() {
		PublisherProbe<Object> a = PublisherProbe.of(Flux.never());
		PublisherProbe<Object> b = PublisherProbe.of(Flux.never());
		TestSubscriber<Void> subscriber = TestSubscriber.create();
		Or.of(a.flux(), b.flux()).subscribe(subscriber);
		a.assertWasSubscribed();
		b.assertWasSubscribed();
		subscriber.cancel();
		a.assertWasCancelled();
		b.assertWasCancelled();
	}

	@Test
	void aCancelDuringOnSubscribeSubscribesNoInput() {
		PublisherProbe<Object> a = PublisherProbe.of(Flux.never());
		StepVerifier.create(Or.of(a.flux())).thenCancel().verify();
		a.assertWasNotSubscribed();
	}

	@Test
	void aBadRequestIsSignalledAsAnIllegalArgument() {
		PublisherProbe<Object> a = PublisherProbe.of(Flux.never());
		RawSubscriber<Void> subscriber = new RawSubscriber<>();
		Or.of(a.flux()).subscribe(subscriber);
		subscriber.subscription.request(-1);
		assertThat(subscriber.error).isInstanceOf(IllegalArgumentException.class);
		a.assertWasCancelled();
	}

	@Test
	void aHundredThousandInputsAreFlat() {
		AtomicInteger cancelled = new AtomicInteger();
		List<Publisher<?>> inputs = new ArrayList<>();
		for (int i = 0; i < 99_999; i++) {
			inputs.add(Mono.never().doOnCancel(cancelled::incrementAndGet));
		}
		Sinks.Empty<Void> last = Sinks.empty();
		inputs.add(last.asMono());

		TestSubscriber<Void> subscriber = TestSubscriber.create();
		Or.of(inputs).subscribe(subscriber);
		assertThat(subscriber.isTerminated()).isFalse();

		Schedulers.single().schedule(last::tryEmitEmpty);
		subscriber.block(Duration.ofSeconds(30));
		assertThat(subscriber.isTerminatedComplete()).isTrue();
		assertThat(cancelled).hasValue(99_999);
	}

	@Test
	void twoInputsFiringAtOnceSignalOnce() {
		for (int round = 0; round < 2_000; round++) {
			Sinks.Empty<Void> a = Sinks.empty();
			Sinks.One<String> b = Sinks.one();
			TestSubscriber<Void> subscriber = TestSubscriber.create();
			Or.of(a.asMono(), b.asMono()).subscribe(subscriber);
			RaceTestUtils.race(a::tryEmitEmpty, () -> b.tryEmitValue("b"));
			assertThat(subscriber.isTerminatedComplete()).isTrue();
			assertThat(subscriber.getProtocolErrors()).isEmpty();
		}
	}

	@Test
	void aSignalRacingACancelSignalsAtMostOnce() {
		for (int round = 0; round < 2_000; round++) {
			Sinks.Empty<Void> a = Sinks.empty();
			TestSubscriber<Void> subscriber = TestSubscriber.create();
			Or.of(a.asMono(), Mono.never()).subscribe(subscriber);
			RaceTestUtils.race(a::tryEmitEmpty, subscriber::cancel);
			assertThat(subscriber.getProtocolErrors()).isEmpty();
		}
	}
}
