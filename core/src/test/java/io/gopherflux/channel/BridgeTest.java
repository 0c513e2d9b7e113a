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
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;
import reactor.test.subscriber.TestSubscriber;
import reactor.test.util.RaceTestUtils;
import reactor.util.context.Context;

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
	void passesThroughTheAssemblyHooks() {
		List<Publisher<?>> seen = new CopyOnWriteArrayList<>();
		Hooks.onEachOperator("bridgeTest", p -> {
			seen.add(p);
			return p;
		});
		try {
			Flux<Integer> bridge = Bridge.of(Flux.just(Flux.just(1)));
			assertThat(seen).contains(bridge).anyMatch(p -> p instanceof Bridge);
		}
		finally {
			Hooks.resetOnEachOperator("bridgeTest");
		}
	}

	@Test
	void operatorDebugNamesBridgeInAnErrorsAssemblyTrace() {
		Hooks.onOperatorDebug();
		try {
			StepVerifier.create(Bridge.of(Flux.just(Flux.error(new IllegalStateException("inner failed")))))
					.expectErrorSatisfies(e -> assertThat(TeeTest.assemblyTraces(e)).anyMatch(m -> m.contains("Bridge.of")))
					.verify(Duration.ofSeconds(10));
		}
		finally {
			Hooks.resetOnOperatorDebug();
		}
	}

	@Test
	void aPlainInnerPublisherIsAdaptedWithFluxFrom() {
		AtomicInteger assemblies = new AtomicInteger();
		Flux<Integer> values = Flux.just(1, 2);
		Publisher<Integer> plain = values::subscribe;
		Flux<Integer> bridge = Bridge.of(Flux.just(plain));
		TestSubscriber<Integer> subscriber = TestSubscriber.create();
		Hooks.onEachOperator("bridgeInner", p -> {
			assemblies.incrementAndGet();
			return p;
		});
		try {
			bridge.subscribe(subscriber);
		}
		finally {
			Hooks.resetOnEachOperator("bridgeInner");
		}
		assertThat(subscriber.getReceivedOnNext()).containsExactly(1, 2);
		// Subscribing the plain inner went through Flux.from, whose assembly the hook saw.
		assertThat(assemblies).hasValue(1);
	}

	@Test
	void isScannable() {
		Flux<Flux<Integer>> outer = Flux.just(Flux.just(1));
		Scannable bridge = Scannable.from(Bridge.of(outer, 3));
		assertThat(bridge.isScanAvailable()).isTrue();
		assertThat(bridge.scan(Scannable.Attr.PARENT)).isSameAs(outer);
		assertThat(bridge.scan(Scannable.Attr.PREFETCH)).isEqualTo(3);
		assertThat(bridge.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);
	}

	@Test
	void itsSubscriberAndInnerSubscriberAreScannable() {
		TestPublisher<Publisher<Integer>> outer = TestPublisher.create();
		TestPublisher<Integer> inner = TestPublisher.create();
		AtomicReference<Subscription> subscription = new AtomicReference<>();
		TestSubscriber<Integer> subscriber = TestSubscriber.builder().initialRequest(5).build();
		Bridge.of(outer, 2).doOnSubscribe(subscription::set).subscribe(subscriber);
		outer.next(inner, Flux.just(9));
		inner.next(1, 2);

		Scannable main = Scannable.from(subscription.get());
		assertThat(main.isScanAvailable()).isTrue();
		assertThat(main.scan(Scannable.Attr.PARENT)).isNotNull();
		assertThat(main.scan(Scannable.Attr.ACTUAL)).isNotNull();
		assertThat(main.scan(Scannable.Attr.PREFETCH)).isEqualTo(2);
		assertThat(main.scan(Scannable.Attr.BUFFERED)).isEqualTo(1);
		assertThat(main.scan(Scannable.Attr.REQUESTED_FROM_DOWNSTREAM)).isEqualTo(3L);
		assertThat(main.scan(Scannable.Attr.CANCELLED)).isFalse();
		assertThat(main.scan(Scannable.Attr.TERMINATED)).isFalse();
		assertThat(main.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);

		Scannable current = main.inners().findFirst().orElseThrow();
		assertThat(current.scan(Scannable.Attr.ACTUAL)).isSameAs(main);
		assertThat(current.scan(Scannable.Attr.PARENT)).isNotNull();
		assertThat(current.scan(Scannable.Attr.CANCELLED)).isFalse();
		assertThat(current.scan(Scannable.Attr.TERMINATED)).isFalse();
		assertThat(current.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);

		subscriber.cancel();
		assertThat(main.scan(Scannable.Attr.CANCELLED)).isTrue();
		assertThat(current.scan(Scannable.Attr.CANCELLED)).isTrue();
	}

	@Test
	void aCompletedBridgeScansAsTerminated() {
		AtomicReference<Subscription> subscription = new AtomicReference<>();
		Bridge.of(Flux.just(Flux.just(1))).doOnSubscribe(subscription::set).subscribe(TestSubscriber.create());
		Scannable main = Scannable.from(subscription.get());
		assertThat(main.scan(Scannable.Attr.TERMINATED)).isTrue();
		assertThat(main.scan(Scannable.Attr.CANCELLED)).isFalse();
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
	void aCancelCancelsTheOuterExactlyOnce() {
		AtomicInteger outerCancels = new AtomicInteger();
		Flux<Publisher<Integer>> outer = Flux.<Publisher<Integer>>just(Flux.never()).concatWith(Flux.never())
				.doOnCancel(outerCancels::incrementAndGet);
		StepVerifier.create(Bridge.of(outer)).expectSubscription().thenCancel().verify();
		assertThat(outerCancels).hasValue(1);
	}

	@Test
	void aBadRequestCancelsTheOuterExactlyOnce() {
		AtomicInteger outerCancels = new AtomicInteger();
		Flux<Publisher<Integer>> outer = Flux.<Publisher<Integer>>just(Flux.never()).concatWith(Flux.never())
				.doOnCancel(outerCancels::incrementAndGet);
		CoreRawSubscriber<Integer> subscriber = new CoreRawSubscriber<>();
		Bridge.of(outer).subscribe(subscriber);
		subscriber.subscription.request(-1);
		assertThat(subscriber.error).isInstanceOf(IllegalArgumentException.class);
		assertThat(outerCancels).hasValue(1);
	}

	@Test
	void aCancelAfterAnInnerErrorDoesNotCancelTheOuterAgain() {
		AtomicInteger outerCancels = new AtomicInteger();
		TestPublisher<Integer> inner = TestPublisher.create();
		Flux<Publisher<Integer>> outer = Flux.<Publisher<Integer>>just(inner).concatWith(Flux.never())
				.doOnCancel(outerCancels::incrementAndGet);
		CoreRawSubscriber<Integer> subscriber = new CoreRawSubscriber<>();
		Bridge.of(outer).subscribe(subscriber);
		inner.error(new IllegalStateException("inner failed"));
		assertThat(subscriber.error).hasMessage("inner failed");
		subscriber.subscription.cancel();
		assertThat(outerCancels).hasValue(1);
	}

	/**
	 * Records signals and passes every call through. Being a CoreSubscriber, it is not wrapped in
	 * Reactor's StrictSubscriber, which answers a bad request and drops a late cancel by itself.
	 */
	static final class CoreRawSubscriber<T> implements CoreSubscriber<T> {

		volatile Subscription subscription;
		volatile Throwable error;

		@Override
		public void onSubscribe(Subscription s) {
			subscription = s;
		}

		@Override
		public void onNext(T t) {
		}

		@Override
		public void onError(Throwable t) {
			error = t;
		}

		@Override
		public void onComplete() {
		}
	}

	@Test
	void innersQueuedAtCancelAreDiscarded() {
		Publisher<Integer> waiting = Flux.just(2);
		TestPublisher<Publisher<Integer>> outer = TestPublisher.create();
		StepVerifier.create(Bridge.of(outer, 2))
				.then(() -> outer.next(Flux.never(), waiting))
				.thenCancel()
				.verifyThenAssertThat()
				.hasDiscardedExactly(waiting);
	}

	@Test
	void innersQueuedWhenTheOuterFailsAreDiscarded() {
		Publisher<Integer> waiting = Flux.just(2);
		TestPublisher<Publisher<Integer>> outer = TestPublisher.create();
		TestPublisher<Integer> current = TestPublisher.create();
		StepVerifier.create(Bridge.of(outer, 2))
				.then(() -> outer.next(current, waiting).error(new IllegalStateException("outer failed")))
				.then(current::complete)
				.expectErrorMessage("outer failed")
				.verifyThenAssertThat()
				.hasDiscardedExactly(waiting);
	}

	@Test
	void aConstantInnerWaitingForDemandIsDiscardedOnCancel() {
		List<Object> discarded = new CopyOnWriteArrayList<>();
		TestSubscriber<Integer> subscriber = TestSubscriber.builder().initialRequest(0)
				.contextPutAll(Operators.enableOnDiscard(Context.empty(), discarded::add)).build();
		Bridge.of(Flux.just(Mono.just(7))).subscribe(subscriber);
		assertThat(discarded).isEmpty();
		subscriber.cancel();
		assertThat(discarded).containsExactly(7);
	}

	@Test
	void aValueAnInnerEmitsAfterTheCancelIsDiscarded() {
		TestPublisher<Integer> inner = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
		List<Object> discarded = new CopyOnWriteArrayList<>();
		TestSubscriber<Integer> subscriber = TestSubscriber.builder()
				.contextPutAll(Operators.enableOnDiscard(Context.empty(), discarded::add)).build();
		Bridge.of(Flux.just(inner)).subscribe(subscriber);
		inner.next(1);
		subscriber.cancel();
		inner.next(2);
		assertThat(subscriber.getReceivedOnNext()).containsExactly(1);
		assertThat(discarded).containsExactly(2);
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

	@Test
	void theOwnersTrampolineRacingARequestLosesNoValue() {
		for (int round = 0; round < 10_000; round++) {
			Sinks.One<Integer> first = Sinks.one();
			TestSubscriber<Integer> subscriber = TestSubscriber.builder().initialRequest(1).build();
			Bridge.of(Flux.just(first.asMono(), Flux.just(2, 3), Mono.just(4)), 2).subscribe(subscriber);
			// One thread completes the first inner and so drains the next ones as the owner; the
			// other adds the demand they need.
			RaceTestUtils.race(() -> first.tryEmitValue(1), () -> subscriber.request(3));
			assertThat(subscriber.getProtocolErrors()).isEmpty();
			assertThat(subscriber.getReceivedOnNext()).containsExactly(1, 2, 3, 4);
			assertThat(subscriber.isTerminatedComplete()).isTrue();
		}
	}

	@Test
	void aCancelRacingTheDrainCancelsTheOuterOnceAndLosesNoValue() {
		for (int round = 0; round < 10_000; round++) {
			AtomicInteger outerCancels = new AtomicInteger();
			AtomicInteger emitted = new AtomicInteger();
			List<Object> discarded = new CopyOnWriteArrayList<>();
			Flux<Publisher<Integer>> outer = Flux.<Publisher<Integer>>just(
							Flux.range(0, 50).doOnNext(v -> emitted.incrementAndGet()), Flux.range(50, 50))
					.concatWith(Flux.never())
					.doOnCancel(outerCancels::incrementAndGet);
			TestSubscriber<Integer> subscriber = TestSubscriber.builder().initialRequest(0)
					.contextPutAll(Operators.enableOnDiscard(Context.empty(), discarded::add)).build();
			Bridge.of(outer, 2).subscribe(subscriber);
			RaceTestUtils.race(() -> subscriber.request(100), subscriber::cancel);
			assertThat(outerCancels).hasValue(1);
			assertThat(subscriber.getProtocolErrors()).isEmpty();
			List<Integer> values = subscriber.getReceivedOnNext();
			for (int i = 0; i < values.size(); i++) {
				assertThat(values.get(i)).isEqualTo(i);
			}
			// Every value the first inner emitted was delivered or discarded, none twice.
			long firstInnerDelivered = values.stream().filter(v -> v < 50).count();
			long firstInnerDiscarded = discarded.stream().filter(v -> v instanceof Integer && (Integer) v < 50).count();
			assertThat(firstInnerDelivered + firstInnerDiscarded).isEqualTo(emitted.get());
		}
	}
}
