package io.gopherflux.channel;

import io.gopherflux.testing.RawSubscriber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
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
