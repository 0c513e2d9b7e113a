package io.gopherflux.server.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.util.RaceTestUtils;
import reactor.util.context.Context;

class StreamBodyTest {

	private static ByteBuf text(String s) {
		return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
	}

	private static String drain(ByteBuf buf) {
		try {
			return buf.toString(StandardCharsets.US_ASCII);
		}
		finally {
			buf.release();
		}
	}

	@Test
	void rejectsNulls() {
		assertThatNullPointerException().isThrownBy(() -> StreamBody.of(null, Context.empty())).withMessage("batches");
		assertThatNullPointerException().isThrownBy(() -> StreamBody.of(Flux.empty(), null)).withMessage("context");
	}

	@Test
	void aStreamThatEndsWithinItsFirstBatchIsAMonoOfThatBatch() {
		StreamBody body = StreamBody.of(Flux.just(text("whole")), Context.empty());

		assertThat(body.complete()).isTrue();
		assertThat(body.publisher()).isInstanceOf(Mono.class);
		StepVerifier.create(Flux.from(body.publisher()).map(StreamBodyTest::drain))
				.expectNext("whole")
				.verifyComplete();
	}

	@Test
	void anEmptyStreamIsAnEmptyMono() {
		StreamBody body = StreamBody.of(Flux.empty(), Context.empty());

		assertThat(body.publisher()).isInstanceOf(Mono.class);
		StepVerifier.create(body.publisher()).verifyComplete();
	}

	@Test
	void aLongerStreamCarriesOnWithTheSameSubscriptionAndExactDemand() {
		TestPublisher<ByteBuf> source = TestPublisher.create();
		StreamBody body = StreamBody.of(source, Context.empty());
		source.assertMinRequested(1).assertMaxRequested(1);
		source.next(text("a"));

		assertThat(body.complete()).isFalse();
		assertThat(body.publisher()).isNotInstanceOf(Mono.class);
		StepVerifier.create(Flux.from(body.publisher()).map(StreamBodyTest::drain), 2)
				.expectNext("a")
				.then(() -> source.assertMinRequested(1).assertMaxRequested(1))
				.then(() -> source.next(text("b")))
				.expectNext("b")
				.then(() -> source.assertMinRequested(0).assertMaxRequested(0))
				.thenRequest(5)
				.then(() -> source.assertMinRequested(5))
				.then(() -> source.next(text("c")).complete())
				.expectNext("c")
				.verifyComplete();
		source.assertSubscribers(0);
	}

	@Test
	void aFirstBatchStillToComeCountsAgainstTheFirstRequest() {
		TestPublisher<ByteBuf> source = TestPublisher.create();
		StreamBody body = StreamBody.of(source, Context.empty());

		StepVerifier.create(Flux.from(body.publisher()).map(StreamBodyTest::drain), 3)
				.then(() -> source.assertMinRequested(3).assertMaxRequested(3))
				.then(() -> source.next(text("a"), text("b"), text("c")))
				.expectNext("a", "b", "c")
				.then(() -> source.assertMinRequested(0).assertMaxRequested(0))
				.then(source::complete)
				.verifyComplete();
	}

	@Test
	void anEndThatComesBeforeTheSubscriberIsDelivered() {
		TestPublisher<ByteBuf> source = TestPublisher.create();
		StreamBody body = StreamBody.of(source, Context.empty());
		source.next(text("a"));
		var publisher = body.publisher();
		source.complete();

		StepVerifier.create(Flux.from(publisher).map(StreamBodyTest::drain))
				.expectNext("a")
				.verifyComplete();
	}

	@Test
	void anErrorBeforeTheSubscriberIsDelivered() {
		TestPublisher<ByteBuf> source = TestPublisher.create();
		StreamBody body = StreamBody.of(source, Context.empty());
		source.error(new IllegalStateException("boom"));

		StepVerifier.create(body.publisher())
				.verifyErrorMessage("boom");
	}

	@Test
	void disposingABodyNobodyTookCancelsTheSourceAndReleasesTheHeldBatch() {
		TestPublisher<ByteBuf> source = TestPublisher.create();
		StreamBody body = StreamBody.of(source, Context.empty());
		ByteBuf first = text("held");
		source.next(first);

		body.dispose();

		assertThat(body.isDisposed()).isTrue();
		source.assertCancelled();
		assertThat(first.refCnt()).isZero();
		StepVerifier.create(body.publisher()).verifyError(IllegalStateException.class);
	}

	@Test
	void disposingAWholeBodyNobodyTookReleasesIt() {
		ByteBuf whole = text("whole");
		StreamBody body = StreamBody.of(Flux.just(whole), Context.empty());
		body.publisher();

		body.dispose();

		assertThat(whole.refCnt()).isZero();
	}

	@Test
	void disposingAfterTheBodyWasTakenDoesNothing() {
		TestPublisher<ByteBuf> source = TestPublisher.create();
		StreamBody body = StreamBody.of(source, Context.empty());
		List<String> received = new ArrayList<>();
		Flux.from(body.publisher()).map(StreamBodyTest::drain).subscribe(received::add);

		body.dispose();
		source.next(text("a"));

		assertThat(received).containsExactly("a");
		source.assertNotCancelled();
	}

	@Test
	void aSecondSubscriberIsRefused() {
		TestPublisher<ByteBuf> source = TestPublisher.create();
		StreamBody body = StreamBody.of(source, Context.empty());
		var publisher = body.publisher();
		Flux.from(publisher).subscribe();

		StepVerifier.create(publisher).verifyErrorMessage("a stream body can be subscribed once");
	}

	@Test
	void cancellingBeforeTheFirstRequestReleasesTheHeldBatch() {
		TestPublisher<ByteBuf> source = TestPublisher.create();
		StreamBody body = StreamBody.of(source, Context.empty());
		ByteBuf first = text("held");
		source.next(first);

		StepVerifier.create(body.publisher(), 0)
				.thenCancel()
				.verify();

		assertThat(first.refCnt()).isZero();
		source.assertCancelled();
	}

	@Test
	void aRequestMadeWhileTheHeldBatchIsDeliveredWaitsForIt() {
		TestPublisher<ByteBuf> source = TestPublisher.createNoncompliant(TestPublisher.Violation.REQUEST_OVERFLOW);
		StreamBody body = StreamBody.of(source, Context.empty());
		source.next(text("a"));
		List<String> received = new ArrayList<>();
		body.publisher().subscribe(new CoreSubscriber<ByteBuf>() {
			Subscription s;

			@Override
			public void onSubscribe(Subscription s) {
				this.s = s;
				s.request(1);
			}

			@Override
			public void onNext(ByteBuf batch) {
				received.add(drain(batch));
				if (received.size() == 1) {
					// Asking for more from inside onNext must not let the source overtake the held batch.
					s.request(1);
					source.assertMinRequested(0);
				}
			}

			@Override
			public void onError(Throwable t) {
				received.add("error " + t.getMessage());
			}

			@Override
			public void onComplete() {
				received.add("complete");
			}
		});
		source.assertMinRequested(1);
		source.next(text("b")).complete();

		assertThat(received).containsExactly("a", "b", "complete");
	}

	@Test
	void aFirstBatchRacingTheSubscriberIsNeitherLostNorReordered() {
		for (int round = 0; round < 5_000; round++) {
			TestPublisher<ByteBuf> source = TestPublisher.create();
			StreamBody body = StreamBody.of(source, Context.empty());
			var publisher = body.publisher();
			List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
			RaceTestUtils.race(() -> source.next(text("a")),
					() -> Flux.from(publisher).map(StreamBodyTest::drain).subscribe(received::add, e -> received.add("error"),
							() -> received.add("complete")));
			source.next(text("b")).complete();

			assertThat(received).containsExactly("a", "b", "complete");
		}
	}

	@Test
	void aBatchArrivingBeforeTheSubscriberHasRequestedWaitsForTheRequest() {
		TestPublisher<ByteBuf> source = TestPublisher.create();
		StreamBody body = StreamBody.of(source, Context.empty());
		List<String> signals = new ArrayList<>();
		Subscription[] subscription = new Subscription[1];
		body.publisher().subscribe(new CoreSubscriber<ByteBuf>() {
			@Override
			public void onSubscribe(Subscription s) {
				subscription[0] = s;
			}

			@Override
			public void onNext(ByteBuf batch) {
				signals.add(drain(batch));
			}

			@Override
			public void onError(Throwable t) {
				signals.add("error");
			}

			@Override
			public void onComplete() {
				signals.add("complete");
			}
		});

		source.next(text("a"));
		assertThat(signals).isEmpty();

		subscription[0].request(2);
		source.next(text("b")).complete();

		assertThat(signals).containsExactly("a", "b", "complete");
	}

	@Test
	void aNonPositiveRequestIsAnErrorAndCancelsTheSource() {
		TestPublisher<ByteBuf> source = TestPublisher.create();
		StreamBody body = StreamBody.of(source, Context.empty());
		ByteBuf held = text("held");
		source.next(held);
		List<Throwable> errors = new ArrayList<>();
		body.publisher().subscribe(new CoreSubscriber<ByteBuf>() {
			@Override
			public void onSubscribe(Subscription s) {
				s.request(0);
			}

			@Override
			public void onNext(ByteBuf batch) {
				batch.release();
			}

			@Override
			public void onError(Throwable t) {
				errors.add(t);
			}

			@Override
			public void onComplete() {
			}
		});

		assertThat(errors).singleElement().isInstanceOf(IllegalArgumentException.class);
		assertThat(held.refCnt()).isZero();
		source.assertCancelled();
	}
}
