package io.gopherflux.server.internal.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;
import reactor.test.util.RaceTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class FluxWriteBatchesTest {

	/** Each element as its decimal digits and a ';', so a batch's text shows exactly what it holds. */
	static final FluxWriteBatches.Encoder<Integer> DECIMAL = (value, out) -> {
		Json.writeLong(out, value);
		out.writeByte(';');
	};

	final TrackingAllocator allocator = new TrackingAllocator();

	static String encoded(int from, int to) {
		return IntStream.range(from, to).mapToObj(i -> i + ";").collect(Collectors.joining());
	}

	static FluxWriteBatches.Encoder<Integer> failingOn(int bad) {
		return (value, out) -> {
			if (value == bad) {
				throw new IllegalStateException("cannot encode " + value);
			}
			DECIMAL.encode(value, out);
		};
	}

	FluxWriteBatches<Integer> batches(Publisher<Integer> source, int batchElements) {
		return new FluxWriteBatches<>(Flux.from(source), DECIMAL, allocator, batchElements);
	}

	BatchRecorder subscribe(FluxWriteBatches<Integer> batches, long initialRequest) {
		BatchRecorder recorder = new BatchRecorder(initialRequest);
		batches.subscribe(recorder);
		return recorder;
	}

	@Test
	void nullArgumentsAreRefusedByName() {
		Flux<Integer> source = Flux.just(1);
		ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
		assertThatNullPointerException().isThrownBy(() -> new FluxWriteBatches<>(null, DECIMAL, alloc, 1));
		assertThatNullPointerException().isThrownBy(() -> new FluxWriteBatches<>(source, null, alloc, 1))
				.withMessage("encoder");
		assertThatNullPointerException().isThrownBy(() -> new FluxWriteBatches<>(source, DECIMAL, null, 1))
				.withMessage("allocator");
	}

	@Test
	void batchElementsBelowOneAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new FluxWriteBatches<>(Flux.just(1), DECIMAL, allocator, 0))
				.withMessageContaining("batchElements").withMessageContaining("0");
		assertThatIllegalArgumentException().isThrownBy(() -> new FluxWriteBatches<>(Flux.just(1), DECIMAL, allocator, -5))
				.withMessageContaining("-5");
		assertThat(allocator.allocated()).isEmpty();
	}

	@ParameterizedTest(name = "{0} elements, {1} per batch")
	@CsvSource({"0,1", "1,1", "3,1", "1,4", "4,4", "5,4", "10,4", "64,64", "65,64", "1000,64", "1000,7"})
	void aSynchronousSourceArrivesInWholeBatchesWithExactBytes(int elements, int batchElements) {
		BatchRecorder recorder = subscribe(batches(Flux.range(0, elements), batchElements), Long.MAX_VALUE);

		int expectedBatches = (elements + batchElements - 1) / batchElements;
		assertThat(recorder.batches).hasSize(expectedBatches);
		for (int b = 0; b < expectedBatches; b++) {
			int from = b * batchElements;
			assertThat(recorder.batches.get(b)).isEqualTo(encoded(from, Math.min(elements, from + batchElements)));
		}
		assertThat(recorder.completed).isTrue();
		assertThat(recorder.error).isNull();
		allocator.assertAllReleased();
	}

	@Test
	void aSynchronousSourceIsAskedOnlyAsFarAsDownstreamDemands() {
		AtomicInteger requests = new AtomicInteger();
		Flux<Integer> source = Flux.range(0, 100).doOnRequest(n -> {
			assertThat(n).isEqualTo(10);
			requests.incrementAndGet();
		});
		BatchRecorder recorder = subscribe(new FluxWriteBatches<>(source, DECIMAL, allocator, 10), 0);
		assertThat(requests).hasValue(0);

		recorder.request(2);

		assertThat(requests).hasValue(2);
		assertThat(recorder.batches).containsExactly(encoded(0, 10), encoded(10, 20));
		assertThat(recorder.completed).isFalse();
		recorder.cancel();
		allocator.assertAllReleased();
	}

	@Test
	void largeElementsGrowTheBatchAndStayExact() {
		String big = "x".repeat(5_000);
		FluxWriteBatches<Integer> batches = new FluxWriteBatches<>(Flux.range(0, 40),
				(value, out) -> out.writeCharSequence(value + big, StandardCharsets.US_ASCII), allocator, 8);
		BatchRecorder recorder = subscribe(batches, Long.MAX_VALUE);

		assertThat(recorder.batches).hasSize(5);
		assertThat(recorder.joined()).isEqualTo(IntStream.range(0, 40).mapToObj(i -> i + big).collect(Collectors.joining()));
		allocator.assertAllReleased();
	}

	@Test
	void anAsynchronousSourceDeliversEveryElementInOrder() {
		Scheduler producer = Schedulers.newSingle("producer");
		try {
			Flux<Integer> source = Flux.range(0, 20_000).publishOn(producer, 32);
			List<String> batches = new FluxWriteBatches<>(source, DECIMAL, allocator, 16)
					.map(FluxWriteBatchesTest::textAndRelease)
					.collectList()
					.block(Duration.ofSeconds(30));

			assertThat(String.join("", batches)).isEqualTo(encoded(0, 20_000));
			assertThat(batches).allSatisfy(batch -> assertThat(batch).isNotEmpty());
			allocator.assertAllReleased();
		}
		finally {
			producer.dispose();
		}
	}

	@Test
	void aSlowAsynchronousReaderGetsEveryElementInOrder() {
		Scheduler producer = Schedulers.newSingle("producer");
		Scheduler consumer = Schedulers.newSingle("consumer");
		try {
			Flux<Integer> source = Flux.range(0, 20_000).publishOn(producer, 64);
			// The reader takes one batch at a time on its own thread, so elements queue up meanwhile.
			List<String> batches = new FluxWriteBatches<>(source, DECIMAL, allocator, 64)
					.publishOn(consumer, 1)
					.map(FluxWriteBatchesTest::textAndRelease)
					.collectList()
					.block(Duration.ofSeconds(30));

			assertThat(String.join("", batches)).isEqualTo(encoded(0, 20_000));
			allocator.assertAllReleased();
		}
		finally {
			producer.dispose();
			consumer.dispose();
		}
	}

	static String textAndRelease(ByteBuf batch) {
		try {
			return batch.toString(StandardCharsets.US_ASCII);
		}
		finally {
			batch.release();
		}
	}

	@Test
	void upstreamIsNotAskedBeforeDownstreamIs() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(batches(source, 4), 0);

		source.assertWasSubscribed();
		source.assertWasNotRequested();
		assertThat(allocator.allocated()).isEmpty();

		recorder.request(1);

		source.assertMinRequested(4).assertMaxRequested(4);
	}

	@Test
	void atMostBatchElementsAreOutstandingEvenWithUnboundedDemand() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(batches(source, 4), Long.MAX_VALUE);

		for (int i = 0; i < 12; i++) {
			source.assertMinRequested(4 - i % 4).assertMaxRequested(4 - i % 4);
			source.next(i);
		}
		source.assertMaxRequested(4).assertNoRequestOverflow();
		source.complete();

		assertThat(recorder.joined()).isEqualTo(encoded(0, 12));
		assertThat(recorder.completed).isTrue();
		allocator.assertAllReleased();
	}

	@Test
	void withoutDemandNothingMoreIsRequestedAndArrivalsCoalesce() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(batches(source, 8), 1);

		source.next(0);
		assertThat(recorder.batches).containsExactly("0;");

		// No demand: 1 waits as the pending batch, the rest queue behind it.
		source.next(1, 2, 3, 4, 5, 6, 7);
		source.assertMaxRequested(0);
		assertThat(recorder.batches).containsExactly("0;");

		recorder.request(1);
		assertThat(recorder.batches).containsExactly("0;", "1;");
		source.assertMaxRequested(0);

		recorder.request(1);
		assertThat(recorder.batches).containsExactly("0;", "1;", "2;3;4;5;6;7;");

		// Every requested element has come and been emitted; only more demand asks for more.
		source.assertMaxRequested(0);
		recorder.request(1);
		source.assertMinRequested(8).assertMaxRequested(8);
		recorder.cancel();
		allocator.assertAllReleased();
	}

	@Test
	void elementsDeliveredWithinTheRequestFormOneBatchAndLaterOnesTheirOwn() {
		AtomicReference<FluxSink<Integer>> sink = new AtomicReference<>();
		AtomicBoolean answered = new AtomicBoolean();
		Flux<Integer> source = Flux.create(s -> {
			sink.set(s);
			s.onRequest(n -> {
				// The first request is answered in part at once, on the requesting thread.
				if (answered.compareAndSet(false, true)) {
					s.next(0);
					s.next(1);
				}
			});
		});
		BatchRecorder recorder = subscribe(batches(source, 3), 0);

		recorder.request(Long.MAX_VALUE);
		assertThat(recorder.batches).containsExactly("0;1;");

		sink.get().next(2);
		sink.get().next(3);
		sink.get().complete();
		assertThat(recorder.batches).containsExactly("0;1;", "2;", "3;");
		assertThat(recorder.completed).isTrue();
		allocator.assertAllReleased();
	}

	@Test
	void elementsFromTwoThreadsWithinOneRequestKeepTheirOrder() {
		// Legal under rule 1.3: the first onNext runs on another thread and finishes before the second.
		Publisher<Integer> hopping = subscriber -> subscriber.onSubscribe(new Subscription() {
			boolean sent;

			@Override
			public void request(long n) {
				if (sent) {
					return;
				}
				sent = true;
				Thread other = new Thread(() -> subscriber.onNext(0));
				other.start();
				try {
					other.join();
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
				subscriber.onNext(1);
				subscriber.onComplete();
			}

			@Override
			public void cancel() {
			}
		});
		BatchRecorder recorder = subscribe(batches(hopping, 2), Long.MAX_VALUE);

		assertThat(recorder.joined()).isEqualTo("0;1;");
		assertThat(recorder.completed).isTrue();
		allocator.assertAllReleased();
	}

	@Test
	void anUpstreamErrorIsSignalledAtOnceAndThePendingBatchReleased() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(batches(source, 8), 1);
		source.next(0, 1, 2);
		assertThat(recorder.batches).containsExactly("0;");

		IllegalStateException boom = new IllegalStateException("boom");
		source.error(boom);

		assertThat(recorder.error).isSameAs(boom);
		assertThat(recorder.batches).containsExactly("0;");
		assertThat(allocator.allocated()).hasSize(2);
		allocator.assertAllReleased();
	}

	@Test
	void anErrorDuringTheRequestDropsTheCollectedBatch() {
		// Three elements, then the error, all inside the one request.
		Flux<Integer> source = Flux.generate(() -> 0, (i, sink) -> {
			if (i < 3) {
				sink.next(i);
			}
			else {
				sink.error(new IllegalStateException("boom"));
			}
			return i + 1;
		});

		StepVerifier.create(batches(source, 8))
				.expectErrorMessage("boom")
				.verify(Duration.ofSeconds(5));
		assertThat(allocator.allocated()).hasSize(1);
		allocator.assertAllReleased();
	}

	@Test
	void aFailedSourceFailsWithoutDemand() {
		StepVerifier.create(batches(Flux.error(new IllegalStateException("failed")), 4), 0)
				.expectErrorMessage("failed")
				.verify(Duration.ofSeconds(5));
		assertThat(allocator.allocated()).isEmpty();
	}

	@Test
	void anEmptySourceCompletesWithoutABatch() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(batches(source, 4), 1);
		source.complete();

		assertThat(recorder.completed).isTrue();
		assertThat(recorder.batches).isEmpty();
		assertThat(allocator.allocated()).isEmpty();
	}

	@Test
	void completionWaitsForThePendingBatchToBeTaken() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(batches(source, 4), 1);
		source.next(0, 1, 2).complete();

		assertThat(recorder.batches).containsExactly("0;");
		assertThat(recorder.completed).isFalse();

		recorder.request(5);

		assertThat(recorder.batches).containsExactly("0;", "1;", "2;");
		assertThat(recorder.completed).isTrue();
		allocator.assertAllReleased();
	}

	@Test
	void anEncoderFailureOnASynchronousElementFailsAndCancelsUpstream() {
		PublisherProbe<Integer> probe = PublisherProbe.of(Flux.range(0, 10));
		FluxWriteBatches<Integer> batches = new FluxWriteBatches<>(probe.flux(), failingOn(3), allocator, 8);

		StepVerifier.create(batches)
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
						.hasMessage("cannot encode 3"))
				.verify(Duration.ofSeconds(5));

		probe.assertWasCancelled();
		assertThat(allocator.allocated()).isNotEmpty();
		allocator.assertAllReleased();
	}

	@Test
	void anEncoderFailureOnAQueuedElementFailsAndCancelsUpstream() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(new FluxWriteBatches<>(source.flux(), failingOn(2), allocator, 8), 1);
		source.next(0, 1);
		assertThat(recorder.batches).containsExactly("0;");

		recorder.request(1);
		source.next(2);

		assertThat(recorder.batches).containsExactly("0;", "1;");
		assertThat(recorder.error).isInstanceOf(IllegalStateException.class).hasMessage("cannot encode 2");
		source.assertCancelled();
		allocator.assertAllReleased();
	}

	@Test
	void anEncoderFailureBehindAPendingBatchReleasesIt() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(new FluxWriteBatches<>(source.flux(), failingOn(3), allocator, 8), 1);
		source.next(0, 1, 2, 3);

		recorder.request(1);

		assertThat(recorder.batches).containsExactly("0;", "1;");
		assertThat(recorder.error).hasMessage("cannot encode 3");
		source.assertCancelled();
		allocator.assertAllReleased();
	}

	@Test
	void anEncoderFailureAfterUpstreamCompletedIsStillSignalled() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(new FluxWriteBatches<>(source.flux(), failingOn(2), allocator, 3), 1);
		source.next(0, 1, 2).complete();
		assertThat(recorder.batches).containsExactly("0;");

		recorder.request(1);

		assertThat(recorder.batches).containsExactly("0;", "1;");
		assertThat(recorder.completed).as("completed without element 2").isFalse();
		assertThat(recorder.error).hasMessage("cannot encode 2");
		allocator.assertAllReleased();
	}

	@Test
	void cancellingReleasesThePendingBatchAndCancelsUpstream() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(batches(source, 8), 1);
		source.next(0, 1, 2, 3);
		assertThat(recorder.batches).containsExactly("0;");

		recorder.cancel();

		source.assertCancelled();
		assertThat(allocator.allocated()).hasSize(2);
		allocator.assertAllReleased();
		assertThat(recorder.completed).isFalse();
		assertThat(recorder.error).isNull();
	}

	@Test
	void cancellingBeforeAnyDemandAllocatesNothing() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(batches(source, 8), 0);

		recorder.cancel();
		recorder.request(1);

		source.assertCancelled();
		source.assertWasNotRequested();
		assertThat(allocator.allocated()).isEmpty();
	}

	@Test
	void cancellingFromOnNextStopsAtThatBatch() {
		PublisherProbe<Integer> probe = PublisherProbe.of(Flux.range(0, 100));
		BatchRecorder recorder = new BatchRecorder(Long.MAX_VALUE) {
			@Override
			public void onNext(ByteBuf batch) {
				super.onNext(batch);
				cancel();
			}
		};
		new FluxWriteBatches<>(probe.flux(), DECIMAL, allocator, 10).subscribe(recorder);

		assertThat(recorder.batches).containsExactly(encoded(0, 10));
		probe.assertWasCancelled();
		allocator.assertAllReleased();
	}

	@Test
	void requestRacingAnElementFromAnotherThreadLosesAndRepeatsNothing() {
		for (int round = 0; round < 500; round++) {
			TestPublisher<Integer> source = TestPublisher.create();
			BatchRecorder recorder = subscribe(batches(source, 3), 1);
			// Each race is legal in either order: the source always has demand for the element.
			for (int i = 0; i < 8; i++) {
				int value = i;
				RaceTestUtils.race(() -> source.next(value), () -> recorder.request(1));
			}
			source.complete();
			recorder.request(Long.MAX_VALUE);

			assertThat(recorder.joined()).isEqualTo(encoded(0, 8));
			assertThat(recorder.completed).isTrue();
			assertThat(recorder.violated).isFalse();
			source.assertNoRequestOverflow();
		}
		allocator.assertAllReleased();
	}

	@Test
	void cancelRacingAnElementFromAnotherThreadLeaksNothing() {
		for (int round = 0; round < 500; round++) {
			TestPublisher<Integer> source = TestPublisher.create();
			BatchRecorder recorder = subscribe(batches(source, 4), 1);
			source.next(0);
			// Element 1 lands in the pending batch (no demand) or not at all; element 2 may queue behind it.
			RaceTestUtils.race(() -> source.next(1, 2), recorder::cancel);

			source.assertCancelled();
			assertThat(recorder.batches).containsExactly("0;");
			assertThat(recorder.violated).isFalse();
		}
		allocator.assertAllReleased();
	}

	@Test
	void cancelRacingADemandedElementLeaksNothing() {
		for (int round = 0; round < 500; round++) {
			TestPublisher<Integer> source = TestPublisher.create();
			BatchRecorder recorder = subscribe(batches(source, 4), 2);
			source.next(0);
			// With demand, element 1 is emitted whole or released; never half of each.
			RaceTestUtils.race(() -> source.next(1), recorder::cancel);

			assertThat(recorder.joined()).isIn("0;", "0;1;");
			assertThat(recorder.violated).isFalse();
		}
		allocator.assertAllReleased();
	}

	@Test
	void cancelRacingRequestLeaksNothing() {
		for (int round = 0; round < 500; round++) {
			TestPublisher<Integer> source = TestPublisher.create();
			BatchRecorder recorder = subscribe(batches(source, 4), 1);
			source.next(0, 1, 2);
			RaceTestUtils.race(() -> recorder.request(1), recorder::cancel);

			assertThat(recorder.joined()).isIn("0;", "0;1;");
			source.assertCancelled();
		}
		allocator.assertAllReleased();
	}

	@Test
	void anOperatorReportsItsBatchSizeAndRunStyle() {
		Flux<Integer> source = Flux.range(0, 3);
		FluxWriteBatches<Integer> batches = new FluxWriteBatches<>(source, DECIMAL, allocator, 7);

		assertThat(batches.scan(Scannable.Attr.PREFETCH)).isEqualTo(7);
		assertThat(batches.scan(Scannable.Attr.RUN_STYLE)).isSameAs(Scannable.Attr.RunStyle.SYNC);
		assertThat(batches.scan(Scannable.Attr.PARENT)).isSameAs(source);
	}

	@Test
	void aSubscriptionReportsItsState() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(batches(source, 4), 1);
		Scannable subscription = Scannable.from(recorder.subscription);

		assertThat(subscription.scanUnsafe(Scannable.Attr.ACTUAL)).isSameAs(recorder);
		assertThat(subscription.scanUnsafe(Scannable.Attr.PARENT)).isInstanceOf(Subscription.class);
		assertThat(subscription.scan(Scannable.Attr.PREFETCH)).isEqualTo(4);
		assertThat(subscription.scan(Scannable.Attr.RUN_STYLE)).isSameAs(Scannable.Attr.RunStyle.SYNC);
		assertThat(subscription.scan(Scannable.Attr.REQUESTED_FROM_DOWNSTREAM)).isEqualTo(1L);
		assertThat(subscription.scan(Scannable.Attr.BUFFERED)).isZero();

		source.next(0, 1, 2);
		// One pending batch (1) and one queued element (2).
		assertThat(subscription.scan(Scannable.Attr.BUFFERED)).isEqualTo(2);
		assertThat(subscription.scan(Scannable.Attr.TERMINATED)).isFalse();
		assertThat(subscription.scan(Scannable.Attr.CANCELLED)).isFalse();

		IllegalStateException boom = new IllegalStateException("boom");
		source.error(boom);
		assertThat(subscription.scan(Scannable.Attr.TERMINATED)).isTrue();
		assertThat(subscription.scan(Scannable.Attr.ERROR)).isSameAs(boom);
		assertThat(subscription.scan(Scannable.Attr.BUFFERED)).isZero();
		allocator.assertAllReleased();
	}

	/** Cut streams end with -1. */
	FluxWriteBatches<Integer> cuttable(Publisher<Integer> source, FluxWriteBatches.Cut<Integer> cut) {
		return new FluxWriteBatches<>(Flux.from(source), DECIMAL, allocator, 4, null, cut, null);
	}

	@Test
	void aCutNeedsItsLastElement() {
		assertThatNullPointerException().isThrownBy(() -> new FluxWriteBatches.Cut<Integer>(null))
				.withMessage("last");
	}

	@Test
	void aStreamThatEndsBeforeTheCutEndsAsItIs() {
		FluxWriteBatches.Cut<Integer> cut = new FluxWriteBatches.Cut<>(-1);
		BatchRecorder recorder = subscribe(cuttable(Flux.just(1, 2), cut), 10);
		cut.cut();

		assertThat(recorder.joined()).isEqualTo("1;2;");
		assertThat(recorder.completed).isTrue();
		assertThat(cut.open()).as("a finished stream is no longer reached by a cut").isZero();
		allocator.assertAllReleased();
	}

	@Test
	void theCutCancelsTheStreamAndEndsItWithTheLastElement() {
		FluxWriteBatches.Cut<Integer> cut = new FluxWriteBatches.Cut<>(-1);
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(cuttable(source, cut), 10);
		source.next(1);
		assertThat(cut.open()).isOne();

		cut.cut();

		source.assertCancelled();
		assertThat(recorder.joined()).isEqualTo("1;-1;");
		assertThat(recorder.completed).isTrue();
		assertThat(recorder.violated).isFalse();
		assertThat(cut.open()).isZero();
		allocator.assertAllReleased();
	}

	@Test
	void elementsDeliveredBeforeTheCutAreWrittenBeforeTheLastOneAndThoseAfterItAreNot() {
		FluxWriteBatches.Cut<Integer> cut = new FluxWriteBatches.Cut<>(-1);
		TestPublisher<Integer> source = TestPublisher.createNoncompliant(TestPublisher.Violation.CLEANUP_ON_TERMINATE);
		BatchRecorder recorder = subscribe(cuttable(source, cut), 0);
		recorder.request(1);
		source.next(1, 2, 3);

		cut.cut();
		// A source that has not seen the cancel yet: what it sends now is not written.
		source.next(4);
		recorder.request(5);

		assertThat(recorder.joined()).isEqualTo("1;2;3;-1;");
		assertThat(recorder.completed).isTrue();
		allocator.assertAllReleased();
	}

	@Test
	void aStreamSubscribedAfterTheCutSendsOnlyTheLastElement() {
		FluxWriteBatches.Cut<Integer> cut = new FluxWriteBatches.Cut<>(-1);
		cut.cut();
		TestPublisher<Integer> source = TestPublisher.create();

		StepVerifier.create(cuttable(source, cut).map(FluxWriteBatchesTest::textAndRelease))
				.expectNext("-1;")
				.verifyComplete();
		source.assertWasNotRequested();
		assertThat(cut.open()).isZero();
	}

	@Test
	void theLastElementWaitsForDemand() {
		FluxWriteBatches.Cut<Integer> cut = new FluxWriteBatches.Cut<>(-1);
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(cuttable(source, cut), 1);
		source.next(1);
		assertThat(recorder.joined()).isEqualTo("1;");

		cut.cut();
		assertThat(recorder.completed).isFalse();
		recorder.request(1);

		assertThat(recorder.joined()).isEqualTo("1;-1;");
		assertThat(recorder.completed).isTrue();
		allocator.assertAllReleased();
	}

	@Test
	void cancellingCancelsTheStreamAndLeavesTheCut() {
		FluxWriteBatches.Cut<Integer> cut = new FluxWriteBatches.Cut<>(-1);
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(cuttable(source, cut), 1);

		recorder.cancel();

		source.assertCancelled();
		assertThat(cut.open()).isZero();
		cut.cut();
		assertThat(recorder.batches).isEmpty();
	}

	@Test
	void aCutRacingTheStreamEndsItOnceWithNothingLost() {
		for (int i = 0; i < 2_000; i++) {
			FluxWriteBatches.Cut<Integer> cut = new FluxWriteBatches.Cut<>(-1);
			TestPublisher<Integer> source = TestPublisher.create();
			BatchRecorder recorder = subscribe(cuttable(source, cut), Long.MAX_VALUE);
			RaceTestUtils.race(() -> source.next(1, 2, 3).complete(), cut::cut);

			assertThat(recorder.completed).isTrue();
			assertThat(recorder.violated).isFalse();
			assertThat(recorder.joined()).as("the elements in order, then the last one only if the cut came first")
					.isIn("1;2;3;", "-1;", "1;-1;", "1;2;-1;", "1;2;3;-1;");
			assertThat(cut.open()).isZero();
			allocator.assertAllReleased();
		}
	}

	@Test
	void aCancelledSubscriptionSaysSo() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(batches(source, 4), 0);
		recorder.cancel();

		assertThat(Scannable.from(recorder.subscription).scan(Scannable.Attr.CANCELLED)).isTrue();
	}

	/**
	 * Keeps each element's text back, per thread, until {@link #finish} or an element for another
	 * batch: as the JSON encoder does with its generator's buffer.
	 */
	static final class HoldingEncoder implements FluxWriteBatches.Encoder<Integer> {

		final int failOn;
		final ThreadLocal<ByteBuf> heldFor = new ThreadLocal<>();
		final ThreadLocal<StringBuilder> held = ThreadLocal.withInitial(StringBuilder::new);

		HoldingEncoder(int failOn) {
			this.failOn = failOn;
		}

		@Override
		public void encode(Integer value, ByteBuf out) {
			if (value == failOn) {
				throw new IllegalStateException("cannot encode " + value);
			}
			if (heldFor.get() != out) {
				writeOut();
				heldFor.set(out);
			}
			held.get().append(value).append(';');
		}

		@Override
		public void finish(ByteBuf out) {
			if (heldFor.get() == out) {
				writeOut();
			}
		}

		void writeOut() {
			ByteBuf out = heldFor.get();
			if (out != null) {
				assertThat(out.refCnt()).as("a batch is finished before it is released").isPositive();
				out.writeCharSequence(held.get(), StandardCharsets.US_ASCII);
				held.get().setLength(0);
				heldFor.remove();
			}
		}
	}

	@ParameterizedTest
	@CsvSource({"1000, 16", "7, 1", "5, 8"})
	void anEncoderThatKeepsBytesBackIsFinishedBeforeEachSynchronousBatchIsEmitted(int elements, int batchElements) {
		List<String> batches = new FluxWriteBatches<>(Flux.range(0, elements), new HoldingEncoder(-1), allocator,
				batchElements)
				.map(FluxWriteBatchesTest::textAndRelease)
				.collectList()
				.block(Duration.ofSeconds(30));

		assertThat(String.join("", batches)).isEqualTo(encoded(0, elements));
		assertThat(batches).allSatisfy(batch -> assertThat(batch).isNotEmpty());
		allocator.assertAllReleased();
	}

	@Test
	void anEncoderThatKeepsBytesBackIsFinishedOnTheThreadThatEncodedAQueuedBatch() {
		Scheduler producer = Schedulers.newSingle("producer");
		try {
			Flux<Integer> source = Flux.range(0, 20_000).publishOn(producer, 32);
			List<String> batches = new FluxWriteBatches<>(source, new HoldingEncoder(-1), allocator, 16)
					.publishOn(Schedulers.parallel(), 4)
					.map(FluxWriteBatchesTest::textAndRelease)
					.collectList()
					.block(Duration.ofSeconds(30));

			assertThat(String.join("", batches)).isEqualTo(encoded(0, 20_000));
			allocator.assertAllReleased();
		}
		finally {
			producer.dispose();
		}
	}

	@Test
	void aCutStreamFinishesItsLastBatch() {
		FluxWriteBatches.Cut<Integer> cut = new FluxWriteBatches.Cut<>(-1);
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(new FluxWriteBatches<>(source.flux(), new HoldingEncoder(-2), allocator, 4,
				null, cut, null), 0);
		recorder.request(1);
		source.next(1, 2, 3);

		cut.cut();
		recorder.request(5);

		assertThat(recorder.joined()).isEqualTo("1;2;3;-1;");
		assertThat(recorder.completed).isTrue();
		allocator.assertAllReleased();
	}

	@Test
	void aBatchWhoseEncodingFailsIsFinishedBeforeItIsReleased() {
		HoldingEncoder encoder = new HoldingEncoder(3);
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(new FluxWriteBatches<>(source.flux(), encoder, allocator, 8), 1);
		source.next(0, 1, 2, 3);

		recorder.request(1);

		assertThat(recorder.batches).containsExactly("0;", "1;");
		assertThat(recorder.error).hasMessage("cannot encode 3");
		assertThat(encoder.heldFor.get()).as("nothing kept back for a released batch").isNull();
		source.assertCancelled();
		allocator.assertAllReleased();
	}

	/** Streams whose upstream error is written as -(the message's length). */
	FluxWriteBatches<Integer> errorWritten(Publisher<Integer> source, FluxWriteBatches.Encoder<Integer> encoder,
			FluxWriteBatches.Cut<Integer> cut) {
		return new FluxWriteBatches<>(Flux.from(source), encoder, allocator, 4, null, cut, e -> -e.getMessage().length());
	}

	@Test
	void anUpstreamErrorIsWrittenAfterTheElementsBeforeItAndTheStreamCompletes() {
		BatchRecorder recorder = subscribe(errorWritten(Flux.concat(Flux.range(1, 6), Flux.error(new IllegalStateException("abc"))),
				DECIMAL, null), Long.MAX_VALUE);

		assertThat(recorder.joined()).isEqualTo("1;2;3;4;5;6;-3;");
		assertThat(recorder.completed).isTrue();
		assertThat(recorder.error).isNull();
		allocator.assertAllReleased();
	}

	@Test
	void anUpstreamErrorWaitsBehindQueuedElementsAndAPendingBatch() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(errorWritten(source, new HoldingEncoder(-100), null), 1);
		source.next(1, 2, 3);
		source.error(new IllegalStateException("four"));
		assertThat(recorder.batches).containsExactly("1;");
		assertThat(recorder.completed).isFalse();

		recorder.request(1);

		assertThat(recorder.joined()).isEqualTo("1;2;3;-4;");
		assertThat(recorder.completed).isTrue();
		allocator.assertAllReleased();
	}

	@Test
	void anErrorElementThatCannotBeMadeFailsTheStreamWithTheUpstreamErrorSuppressed() {
		IllegalStateException upstream = new IllegalStateException("upstream");
		BatchRecorder recorder = subscribe(new FluxWriteBatches<Integer>(Flux.concat(Flux.just(1), Flux.error(upstream)),
				DECIMAL, allocator, 4, null, null, e -> null), Long.MAX_VALUE);

		assertThat(recorder.error).isInstanceOf(NullPointerException.class).hasMessage("the error element")
				.hasSuppressedException(upstream);
		allocator.assertAllReleased();
	}

	@Test
	void anEncoderFailureStillFailsTheStreamWhenErrorsAreWritten() {
		TestPublisher<Integer> source = TestPublisher.create();
		BatchRecorder recorder = subscribe(errorWritten(source, failingOn(2), null), Long.MAX_VALUE);

		source.next(1, 2);

		assertThat(recorder.joined()).isEqualTo("1;");
		assertThat(recorder.error).hasMessage("cannot encode 2");
		source.assertCancelled();
		allocator.assertAllReleased();
	}

	@Test
	void anUpstreamErrorAfterTheCutIsNotWritten() {
		FluxWriteBatches.Cut<Integer> cut = new FluxWriteBatches.Cut<>(-1);
		TestPublisher<Integer> source = TestPublisher.createNoncompliant(TestPublisher.Violation.CLEANUP_ON_TERMINATE);
		BatchRecorder recorder = subscribe(errorWritten(source, DECIMAL, cut), 0);
		recorder.request(1);
		source.next(1);

		cut.cut();
		source.error(new IllegalStateException("late"));
		recorder.request(5);

		assertThat(recorder.joined()).isEqualTo("1;-1;");
		assertThat(recorder.completed).isTrue();
		assertThat(recorder.error).isNull();
		allocator.assertAllReleased();
	}
}
