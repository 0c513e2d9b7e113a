package io.gopherflux.channel;

import io.gopherflux.testing.RawSubscriber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;

class BridgeTest {

	@Test
	void nullSourcesAreRejectedAtAssembly() {
		assertThatNullPointerException().isThrownBy(() -> Bridge.of(null)).withMessage("sources");
		assertThatNullPointerException().isThrownBy(() -> Bridge.of(null, 4)).withMessage("sources");
	}

	@Test
	void prefetchBelowOneIsRejectedAtAssembly() {
		assertThatIllegalArgumentException().isThrownBy(() -> Bridge.of(Flux.<Flux<Integer>>empty(), 0))
				.withMessageContaining("prefetch");
	}

	@Test
	void emitsEveryInnerInOrder() {
		StepVerifier.create(Bridge.of(Flux.just(Flux.just(1, 2), Flux.<Integer>empty(), Mono.just(3), Flux.just(4, 5))))
				.expectNext(1, 2, 3, 4, 5)
				.verifyComplete();
	}

	@Test
	void bridgesTheBooksTenOneValueStreams() {
		Flux<Flux<Integer>> streams = Flux.range(0, 10).map(Flux::just);
		StepVerifier.create(Bridge.of(streams))
				.expectNext(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)
				.verifyComplete();
	}

	@Test
	void emptyOuterCompletes() {
		StepVerifier.create(Bridge.of(Flux.<Publisher<Integer>>empty())).verifyComplete();
	}

	@Test
	void nextInnerIsSubscribedOnlyAfterThePreviousCompletes() {
		TestPublisher<Integer> first = TestPublisher.create();
		PublisherProbe<Integer> second = PublisherProbe.of(Flux.just(3));

		StepVerifier.create(Bridge.of(Flux.just(first, second.flux()), 2))
				.then(() -> first.next(1, 2))
				.expectNext(1, 2)
				.then(() -> assertThat(second.wasSubscribed()).isFalse())
				.then(first::complete)
				.expectNext(3)
				.verifyComplete();
	}

	@Test
	void demandNotUsedByOneInnerCarriesOverToTheNext() {
		TestPublisher<Integer> first = TestPublisher.create();
		TestPublisher<Integer> second = TestPublisher.create();

		StepVerifier.create(Bridge.of(Flux.just(first, second)), 0)
				.thenRequest(3)
				.then(() -> first.assertMinRequested(3))
				.then(() -> first.next(1).complete())
				.expectNext(1)
				.then(() -> second.assertMinRequested(2).assertMaxRequested(2))
				.then(() -> second.next(2, 3))
				.expectNext(2, 3)
				.thenRequest(1)
				.then(() -> second.assertMaxRequested(1))
				.then(() -> second.next(4).complete())
				.expectNext(4)
				.verifyComplete();
	}

	@Test
	void constantInnersWaitForDemand() {
		Flux<Publisher<Integer>> inners = Flux.just(Mono.just(1), Flux.just(2), Flux.empty(), Mono.just(3), Flux.range(4, 2));
		StepVerifier.create(Bridge.of(inners), 0)
				.expectSubscription()
				.thenRequest(1)
				.expectNext(1)
				.thenRequest(1)
				.expectNext(2)
				.thenRequest(2)
				.expectNext(3, 4)
				.thenRequest(1)
				.expectNext(5)
				.verifyComplete();
	}

	@Test
	void aConstantInnerThatFailsFailsTheBridge() {
		Flux<Publisher<Integer>> inners = Flux.just(Mono.just(1), Mono.error(new IllegalStateException("constant failed")));
		StepVerifier.create(Bridge.of(inners))
				.expectNext(1)
				.expectErrorMessage("constant failed")
				.verify();
	}

	@Test
	void unboundedDemandReachesEveryInner() {
		List<Long> requests = new CopyOnWriteArrayList<>();
		Flux<Flux<Integer>> inners = Flux.range(0, 3).map(i -> Flux.just(i).doOnRequest(requests::add));
		StepVerifier.create(Bridge.of(inners)).expectNext(0, 1, 2).verifyComplete();
		assertThat(requests).containsExactly(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
	}

	@Test
	void outerIsAskedForNoMoreThanPrefetchAhead() {
		List<Long> outerRequests = new CopyOnWriteArrayList<>();
		TestPublisher<Integer> slow = TestPublisher.create();
		Flux<Publisher<Integer>> outer = Flux.<Publisher<Integer>>just(slow, Flux.just(2), Flux.just(3), Flux.just(4))
				.doOnRequest(outerRequests::add);

		StepVerifier.create(Bridge.of(outer))
				// one inner being drained and one waiting, however long the current one takes
				.then(() -> assertThat(outerRequests).containsExactly(1L, 1L))
				.then(() -> slow.emit(1))
				.expectNext(1, 2, 3, 4)
				.verifyComplete();
		assertThat(outerRequests).allMatch(r -> r == 1L);
	}

	@Test
	void innerErrorIsEmittedAtOnceAndCancelsTheOuter() {
		TestPublisher<Publisher<Integer>> outer = TestPublisher.create();
		StepVerifier.create(Bridge.of(outer))
				.then(() -> outer.next(Flux.just(1)).next(Flux.error(new IllegalStateException("inner failed"))))
				.expectNext(1)
				.expectErrorMessage("inner failed")
				.verify();
		outer.assertCancelled();
	}

	@Test
	void outerErrorWaitsForTheCurrentInnerToComplete() {
		TestPublisher<Publisher<Integer>> outer = TestPublisher.create();
		TestPublisher<Integer> inner = TestPublisher.create();
		StepVerifier.create(Bridge.of(outer))
				.then(() -> outer.next(inner).error(new IllegalStateException("outer failed")))
				.then(() -> inner.next(1, 2))
				.expectNext(1, 2)
				.then(inner::complete)
				.expectErrorMessage("outer failed")
				.verify();
	}

	@Test
	void nullInnerIsAnError() {
		TestPublisher<Publisher<Integer>> outer = TestPublisher.createNoncompliant(TestPublisher.Violation.ALLOW_NULL);
		StepVerifier.create(Bridge.of(outer))
				.then(() -> outer.next(null))
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NullPointerException.class)
						.hasMessageContaining("null Publisher"))
				.verify();
	}

	@Test
	void cancellationCancelsTheCurrentInnerAndTheOuter() {
		PublisherProbe<Integer> inner = PublisherProbe.of(Flux.never());
		TestPublisher<Publisher<Integer>> outer = TestPublisher.create();
		StepVerifier.create(Bridge.of(outer))
				.then(() -> outer.next(inner.flux()))
				.then(inner::assertWasSubscribed)
				.thenCancel()
				.verify();
		inner.assertWasCancelled();
		outer.assertCancelled();
	}

	@Test
	void cancellingInsideOnNextStopsAnEndlessSynchronousInner() {
		// take(n, false) requests without bound and cancels from inside onNext.
		StepVerifier.create(Bridge.of(Flux.just(Generators.repeat(1, 2))).take(3, false))
				.expectNext(1, 2, 1)
				.verifyComplete();
	}

	@Test
	void badRequestIsSignalledAsAnIllegalArgument() {
		RawSubscriber<Integer> subscriber = new RawSubscriber<>();
		PublisherProbe<Integer> inner = PublisherProbe.of(Flux.never());
		Bridge.of(Flux.just(inner.flux())).subscribe(subscriber);
		subscriber.subscription.request(0);
		assertThat(subscriber.error).isInstanceOf(IllegalArgumentException.class);
		inner.assertWasCancelled();
	}

	@Test
	void manySynchronousInnersDoNotDeepenTheStack() {
		Flux<Flux<Integer>> inners = Flux.range(0, 100_000).map(i -> i % 2 == 0 ? Flux.<Integer>empty() : Flux.just(i));
		StepVerifier.create(Bridge.of(inners).count()).expectNext(50_000L).verifyComplete();
	}

	@Test
	void innersOnOtherThreadsStayInOrderUnderStepwiseDemand() {
		Flux<Flux<Integer>> inners = Flux.range(0, 2_000)
				.map(i -> Flux.range(i * 5, 5).subscribeOn(i % 2 == 0 ? Schedulers.parallel() : Schedulers.single()));
		List<Integer> expected = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			expected.add(i);
		}
		AtomicInteger seen = new AtomicInteger();
		StepVerifier.create(Bridge.of(inners, 4).limitRate(7))
				.recordWith(ArrayList::new)
				.thenConsumeWhile(v -> seen.incrementAndGet() > 0)
				.consumeRecordedWith(values -> assertThat(values).containsExactlyElementsOf(expected))
				.expectComplete()
				.verify(Duration.ofSeconds(30));
	}
}
