package io.gopherflux.channel;

import io.gopherflux.testing.RawSubscriber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
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

class OrDoneTest {

	@Test
	void nullArgumentsAreRejectedAtAssembly() {
		assertThatNullPointerException().isThrownBy(() -> OrDone.until(null)).withMessage("done");
		assertThatNullPointerException().isThrownBy(() -> OrDone.of(null, Mono.never())).withMessage("source");
		assertThatNullPointerException().isThrownBy(() -> OrDone.of(Flux.never(), null)).withMessage("done");
	}

	@Test
	void bothFactoriesPassThroughTheAssemblyHooks() {
		List<Publisher<?>> seen = new CopyOnWriteArrayList<>();
		Flux<Integer> source = Flux.just(1);
		Hooks.onEachOperator("orDoneTest", p -> {
			seen.add(p);
			return p;
		});
		try {
			Flux<Integer> of = OrDone.of(source, Mono.never());
			Flux<Integer> until = OrDone.<Integer>until(Mono.never()).apply(source);
			assertThat(seen).contains(of, until).filteredOn(p -> p instanceof OrDone).hasSize(2);
		}
		finally {
			Hooks.resetOnEachOperator("orDoneTest");
		}
	}

	@Test
	void operatorDebugNamesOrDoneInAnErrorsAssemblyTrace() {
		Hooks.onOperatorDebug();
		try {
			StepVerifier.create(OrDone.of(Flux.error(new IllegalStateException("source failed")), Mono.never()))
					.expectErrorSatisfies(e -> assertThat(TeeTest.assemblyTraces(e)).anyMatch(m -> m.contains("OrDone.of")))
					.verify(Duration.ofSeconds(10));
		}
		finally {
			Hooks.resetOnOperatorDebug();
		}
	}

	@Test
	void aPlainDoneSignalIsAdaptedWithFluxFrom() {
		List<Publisher<?>> seen = new CopyOnWriteArrayList<>();
		Flux<Object> never = Flux.never();
		Publisher<Object> plain = never::subscribe;
		Hooks.onEachOperator("orDonePlain", p -> {
			seen.add(p);
			return p;
		});
		try {
			OrDone.until(plain);
		}
		finally {
			Hooks.resetOnEachOperator("orDonePlain");
		}
		assertThat(seen).anyMatch(p -> Scannable.from(p).scanUnsafe(Scannable.Attr.PARENT) == plain);
	}

	@Test
	void isScannable() {
		Flux<Integer> source = Flux.just(1);
		Scannable orDone = Scannable.from(source.transform(OrDone.until(Mono.never())));
		assertThat(orDone.isScanAvailable()).isTrue();
		assertThat(orDone.scan(Scannable.Attr.PARENT)).isSameAs(source);
		assertThat(orDone.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);
	}

	@Test
	void itsSubscribersAreScannable() {
		TestPublisher<Integer> source = TestPublisher.create();
		TestPublisher<Object> done = TestPublisher.create();
		AtomicReference<Subscription> subscription = new AtomicReference<>();
		TestSubscriber<Integer> subscriber = TestSubscriber.builder().initialRequest(5).build();
		OrDone.of(source, done).doOnSubscribe(subscription::set).subscribe(subscriber);
		source.next(1, 2);

		Scannable main = Scannable.from(subscription.get());
		assertThat(main.isScanAvailable()).isTrue();
		assertThat(main.scan(Scannable.Attr.PARENT)).isNotNull();
		assertThat(main.scan(Scannable.Attr.ACTUAL)).isNotNull();
		assertThat(main.scan(Scannable.Attr.REQUESTED_FROM_DOWNSTREAM)).isEqualTo(3L);
		assertThat(main.scan(Scannable.Attr.CANCELLED)).isFalse();
		assertThat(main.scan(Scannable.Attr.TERMINATED)).isFalse();
		assertThat(main.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);

		Scannable other = main.inners().findFirst().orElseThrow();
		assertThat(other.scan(Scannable.Attr.PARENT)).isNotNull();
		assertThat(other.scan(Scannable.Attr.ACTUAL)).isSameAs(main);
		assertThat(other.scan(Scannable.Attr.CANCELLED)).isFalse();
		assertThat(other.scan(Scannable.Attr.TERMINATED)).isFalse();
		assertThat(other.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);

		done.next("stop");
		assertThat(main.scan(Scannable.Attr.TERMINATED)).isTrue();
		assertThat(main.scan(Scannable.Attr.CANCELLED)).isFalse();
		assertThat(other.scan(Scannable.Attr.TERMINATED)).isTrue();
	}

	@Test
	void aCancelledSubscriberScansAsCancelled() {
		AtomicReference<Subscription> subscription = new AtomicReference<>();
		TestSubscriber<Integer> subscriber = TestSubscriber.create();
		OrDone.of(Flux.<Integer>never(), Mono.never()).doOnSubscribe(subscription::set).subscribe(subscriber);
		subscriber.cancel();
		Scannable main = Scannable.from(subscription.get());
		assertThat(main.scan(Scannable.Attr.CANCELLED)).isTrue();
		assertThat(main.scan(Scannable.Attr.TERMINATED)).isFalse();
		assertThat(main.inners().findFirst().orElseThrow().scan(Scannable.Attr.CANCELLED)).isTrue();
	}

	@Test
	void aValueArrivingAfterDoneFiredIsDiscarded() {
		TestPublisher<Integer> source = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
		Sinks.Empty<Void> done = Sinks.empty();
		StepVerifier.create(OrDone.of(source, done.asMono()))
				.then(() -> source.next(1))
				.expectNext(1)
				.then(done::tryEmitEmpty)
				.expectComplete()
				.verifyThenAssertThat()
				.hasNotDiscardedElements()
				.hasNotDroppedElements();
		List<Object> discarded = new CopyOnWriteArrayList<>();
		TestSubscriber<Integer> subscriber = TestSubscriber.builder()
				.contextPutAll(Operators.enableOnDiscard(Context.empty(), discarded::add)).build();
		TestPublisher<Integer> late = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
		Sinks.Empty<Void> fired = Sinks.empty();
		OrDone.of(late, fired.asMono()).subscribe(subscriber);
		fired.tryEmitEmpty();
		// The source was cancelled but had a value in flight.
		late.next(2);
		assertThat(subscriber.getReceivedOnNext()).isEmpty();
		assertThat(discarded).containsExactly(2);
	}

	@Test
	void unlikeTakeUntilOtherADoneThatAlreadyFiredNeverSubscribesTheSource() {
		PublisherProbe<Integer> viaTakeUntil = PublisherProbe.of(Flux.just(1));
		StepVerifier.create(viaTakeUntil.flux().takeUntilOther(Mono.empty())).verifyComplete();
		// takeUntilOther subscribes the source and cancels it at once.
		viaTakeUntil.assertWasSubscribed();
		viaTakeUntil.assertWasCancelled();

		PublisherProbe<Integer> viaOrDone = PublisherProbe.of(Flux.just(1));
		StepVerifier.create(viaOrDone.flux().transform(OrDone.until(Mono.empty()))).verifyComplete();
		viaOrDone.assertWasNotSubscribed();
	}

	@Test
	void likeTakeUntilOtherADoneThatCompletesEmptyStopsTheSource() {
		// Not a difference: both stop on a done-signal that completes without a value.
		TestPublisher<Integer> source = TestPublisher.create();
		Sinks.Empty<Void> done = Sinks.empty();
		StepVerifier.create(source.flux().takeUntilOther(done.asMono()))
				.then(() -> source.next(1))
				.expectNext(1)
				.then(done::tryEmitEmpty)
				.verifyComplete();
		source.assertCancelled();
	}

	@Test
	void readsTheSourceUntilDoneEmits() {
		TestPublisher<Integer> source = TestPublisher.create();
		TestPublisher<String> done = TestPublisher.create();
		StepVerifier.create(source.flux().transform(OrDone.until(done)))
				.then(() -> source.next(1, 2))
				.expectNext(1, 2)
				.then(() -> done.next("stop"))
				.verifyComplete();
		source.assertCancelled();
		done.assertCancelled();
	}

	@Test
	void aDoneThatCompletesWithoutAValueStopsToo() {
		TestPublisher<Integer> source = TestPublisher.create();
		Sinks.Empty<Void> done = Sinks.empty();
		StepVerifier.create(OrDone.of(source, done.asMono()))
				.then(() -> source.next(1))
				.expectNext(1)
				.then(done::tryEmitEmpty)
				.verifyComplete();
		source.assertCancelled();
	}

	@Test
	void theSourceCompletingCancelsDone() {
		PublisherProbe<Void> done = PublisherProbe.of(Mono.never());
		StepVerifier.create(OrDone.of(Flux.just(1, 2, 3), done.mono()))
				.expectNext(1, 2, 3)
				.verifyComplete();
		done.assertWasCancelled();
	}

	@Test
	void aDoneThatHasAlreadyFiredNeverStartsTheSource() {
		PublisherProbe<Integer> source = PublisherProbe.of(Flux.just(1));
		StepVerifier.create(OrDone.of(source.flux(), Mono.empty())).verifyComplete();
		source.assertWasNotSubscribed();
	}

	@Test
	void aSourceErrorIsPropagatedAndCancelsDone() {
		PublisherProbe<Void> done = PublisherProbe.of(Mono.never());
		StepVerifier.create(OrDone.of(Flux.concat(Flux.just(1), Flux.error(new IllegalStateException("source failed"))), done.mono()))
				.expectNext(1)
				.expectErrorMessage("source failed")
				.verify();
		done.assertWasCancelled();
	}

	@Test
	void aDoneErrorIsPropagatedAndCancelsTheSource() {
		TestPublisher<Integer> source = TestPublisher.create();
		TestPublisher<Object> done = TestPublisher.create();
		StepVerifier.create(OrDone.of(source, done))
				.then(() -> done.error(new IllegalStateException("done failed")))
				.expectErrorMessage("done failed")
				.verify();
		source.assertCancelled();
	}

	@Test
	void theSourceSeesExactlyTheDownstreamDemandAndDoneIsAskedForOne() {
		TestPublisher<Integer> source = TestPublisher.create();
		TestPublisher<Object> done = TestPublisher.create();
		StepVerifier.create(OrDone.of(source, done), 0)
				.then(() -> source.assertWasNotRequested())
				.then(() -> done.assertMinRequested(1).assertMaxRequested(1))
				.thenRequest(2)
				.then(() -> source.assertMinRequested(2).assertMaxRequested(2))
				.then(() -> source.next(1, 2))
				.expectNext(1, 2)
				.then(() -> source.assertMaxRequested(0))
				.thenRequest(1)
				.then(() -> source.next(3))
				.expectNext(3)
				.then(() -> done.next("stop"))
				.verifyComplete();
	}

	@Test
	void cancellationCancelsTheSourceAndDone() {
		TestPublisher<Integer> source = TestPublisher.create();
		TestPublisher<Object> done = TestPublisher.create();
		StepVerifier.create(OrDone.of(source, done))
				.then(() -> source.next(1))
				.expectNext(1)
				.thenCancel()
				.verify();
		source.assertCancelled();
		done.assertCancelled();
	}

	@Test
	void aBadRequestIsSignalledAsAnIllegalArgument() {
		TestPublisher<Integer> source = TestPublisher.create();
		TestPublisher<Object> done = TestPublisher.create();
		RawSubscriber<Integer> subscriber = new RawSubscriber<>();
		OrDone.of(source, done).subscribe(subscriber);
		subscriber.subscription.request(0);
		assertThat(subscriber.error).isInstanceOf(IllegalArgumentException.class);
		source.assertCancelled();
		done.assertCancelled();
	}

	@Test
	void stopsInVirtualTimeAtTheDoneSignal() {
		StepVerifier.withVirtualTime(() -> Flux.interval(Duration.ofSeconds(1))
						.transform(OrDone.until(Mono.delay(Duration.ofMillis(3_500)))))
				.expectSubscription()
				.thenAwait(Duration.ofSeconds(4))
				.expectNext(0L, 1L, 2L)
				.verifyComplete();
	}

	@Test
	void doneRacingTheSourceEndsInOneTerminalSignalWithValuesInOrder() {
		for (int round = 0; round < 500; round++) {
			Sinks.Empty<Void> done = Sinks.empty();
			TestSubscriber<Integer> subscriber = TestSubscriber.create();
			OrDone.of(Flux.range(0, 1_000).subscribeOn(Schedulers.parallel()), done.asMono()).subscribe(subscriber);
			// The source emits on a parallel thread while done fires from this one.
			done.tryEmitEmpty();
			subscriber.block(Duration.ofSeconds(10));
			assertThat(subscriber.getProtocolErrors()).isEmpty();
			assertThat(subscriber.isTerminatedComplete()).isTrue();
			List<Integer> values = subscriber.getReceivedOnNext();
			for (int i = 0; i < values.size(); i++) {
				assertThat(values.get(i)).isEqualTo(i);
			}
		}
	}

	@Test
	void doneRacingAValueDeliversItOrDiscardsItAndEndsOnce() {
		for (int round = 0; round < 10_000; round++) {
			List<Object> discarded = new CopyOnWriteArrayList<>();
			TestPublisher<Integer> source = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
			Sinks.Empty<Void> done = Sinks.empty();
			TestSubscriber<Integer> subscriber = TestSubscriber.builder()
					.contextPutAll(Operators.enableOnDiscard(Context.empty(), discarded::add)).build();
			OrDone.of(source, done.asMono()).subscribe(subscriber);
			RaceTestUtils.race(() -> source.next(1), done::tryEmitEmpty);
			assertThat(subscriber.getProtocolErrors()).isEmpty();
			assertThat(subscriber.isTerminatedComplete()).isTrue();
			assertThat(subscriber.getReceivedOnNext().size() + discarded.size()).isEqualTo(1);
			source.assertCancelled();
		}
	}
}
