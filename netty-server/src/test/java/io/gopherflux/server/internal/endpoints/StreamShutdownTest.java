package io.gopherflux.server.internal.endpoints;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.subscriber.TestSubscriber;

import static org.assertj.core.api.Assertions.assertThat;

class StreamShutdownTest {

	@Test
	void aStreamThatEndsFirstEndsAsItIs() {
		StreamShutdown shutdown = new StreamShutdown();

		StepVerifier.create(shutdown.endable(Flux.just("a", "b")))
				.expectNext("a", "b")
				.verifyComplete();
	}

	@Test
	void theEndCancelsTheStreamAndAppendsTheShutdownEvent() {
		StreamShutdown shutdown = new StreamShutdown();
		TestPublisher<Object> elements = TestPublisher.create();

		StepVerifier.create(shutdown.endable(elements.flux()))
				.then(() -> elements.next("a"))
				.expectNext("a")
				.then(shutdown::end)
				.expectNext(StreamShutdown.SHUTDOWN)
				.verifyComplete();
		elements.assertCancelled();
	}

	@Test
	void aStreamStartedAfterTheEndSendsOnlyTheShutdownEvent() {
		StreamShutdown shutdown = new StreamShutdown();
		shutdown.end();
		TestPublisher<Object> elements = TestPublisher.create();

		StepVerifier.create(shutdown.endable(elements.flux()))
				.expectNext(StreamShutdown.SHUTDOWN)
				.verifyComplete();
		elements.assertWasNotRequested();
	}

	@Test
	void theShutdownEventWaitsForDemand() {
		StreamShutdown shutdown = new StreamShutdown();
		TestPublisher<Object> elements = TestPublisher.create();
		TestSubscriber<Object> subscriber = TestSubscriber.builder().initialRequest(1).build();
		shutdown.endable(elements.flux()).subscribe(subscriber);

		elements.next("a");
		shutdown.end();

		assertThat(subscriber.getReceivedOnNext()).containsExactly("a");
		assertThat(subscriber.isTerminated()).isFalse();
		subscriber.request(1);
		assertThat(subscriber.getReceivedOnNext()).containsExactly("a", StreamShutdown.SHUTDOWN);
		assertThat(subscriber.isTerminatedComplete()).isTrue();
	}

	@Test
	void cancellingCancelsTheStream() {
		StreamShutdown shutdown = new StreamShutdown();
		TestPublisher<Object> elements = TestPublisher.create();

		StepVerifier.create(shutdown.endable(elements.flux()))
				.thenCancel()
				.verify();
		elements.assertCancelled();
	}
}
