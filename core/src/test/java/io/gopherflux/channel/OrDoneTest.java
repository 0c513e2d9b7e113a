package io.gopherflux.channel;

import io.gopherflux.testing.RawSubscriber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;
import reactor.test.subscriber.TestSubscriber;

class OrDoneTest {

	@Test
	void nullArgumentsAreRejectedAtAssembly() {
		assertThatNullPointerException().isThrownBy(() -> OrDone.until(null)).withMessage("done");
		assertThatNullPointerException().isThrownBy(() -> OrDone.of(null, Mono.never())).withMessage("source");
		assertThatNullPointerException().isThrownBy(() -> OrDone.of(Flux.never(), null)).withMessage("done");
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
}
