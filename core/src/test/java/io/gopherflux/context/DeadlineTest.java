package io.gopherflux.context;

import io.gopherflux.testing.TimerTrackingScheduler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.context.Context;

class DeadlineTest {

	private static final Instant T0 = Instant.EPOCH;

	@Test
	void nullAndNegativeArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> Deadline.at(null)).withMessage("deadline");
		assertThatNullPointerException().isThrownBy(() -> Deadline.after(null, Schedulers.parallel()))
				.withMessage("timeout");
		assertThatNullPointerException().isThrownBy(() -> Deadline.after(Duration.ZERO, null)).withMessage("clock");
		assertThatIllegalArgumentException().isThrownBy(() -> Deadline.after(Duration.ofMillis(-1), Schedulers.parallel()))
				.withMessageContaining("timeout");
		assertThatNullPointerException().isThrownBy(() -> Deadline.of(null)).withMessage("ctx");
		assertThatNullPointerException().isThrownBy(() -> Deadline.now(null)).withMessage("clock");
		assertThatNullPointerException().isThrownBy(() -> Deadline.remaining(null, Schedulers.parallel()))
				.withMessage("ctx");
		assertThatNullPointerException().isThrownBy(() -> Deadline.remaining(Context.empty(), null))
				.withMessage("clock");
		assertThatNullPointerException().isThrownBy(() -> Deadline.enforce(null, Schedulers.parallel()))
				.withMessage("operation");
		assertThatNullPointerException().isThrownBy(() -> Deadline.enforce("op", null)).withMessage("clock");
	}

	@Test
	void nowIsWallClockTimeOnARealScheduler() {
		Instant before = Instant.now().minusSeconds(60);

		assertThat(Deadline.now(Schedulers.parallel())).as("not System.nanoTime's arbitrary origin")
				.isBetween(before, Instant.now().plusSeconds(60));
	}

	@Test
	void nowFollowsVirtualTime() {
		VirtualTimeScheduler vts = VirtualTimeScheduler.create();
		vts.advanceTimeBy(Duration.ofMillis(1500));

		assertThat(Deadline.now(vts)).isEqualTo(T0.plusMillis(1500));
	}

	@Test
	void theEarlierDeadlineWins() {
		Context ctx = Deadline.at(T0.plusSeconds(5)).apply(Context.empty());

		assertThat(Deadline.of(Deadline.at(T0.plusSeconds(9)).apply(ctx))).contains(T0.plusSeconds(5));
		assertThat(Deadline.of(Deadline.at(T0.plusSeconds(2)).apply(ctx))).contains(T0.plusSeconds(2));
		assertThat(Deadline.of(Context.empty())).isEmpty();
	}

	@Test
	void afterCountsFromSubscriptionOnTheClock() {
		VirtualTimeScheduler vts = VirtualTimeScheduler.create();
		vts.advanceTimeBy(Duration.ofSeconds(3));
		Mono<Optional<Instant>> deadline = Mono.deferContextual(ctx -> Mono.just(Deadline.of(ctx)));

		StepVerifier.create(deadline.contextWrite(Deadline.after(Duration.ofSeconds(1), vts)))
				.expectNext(Optional.of(T0.plusSeconds(4)))
				.verifyComplete();
	}

	@Test
	void remainingIsReadOnTheClock() {
		VirtualTimeScheduler vts = VirtualTimeScheduler.create();
		Context ctx = Deadline.at(T0.plusSeconds(2)).apply(Context.empty());

		assertThat(Deadline.remaining(ctx, vts)).contains(Duration.ofSeconds(2));
		vts.advanceTimeBy(Duration.ofSeconds(3));
		assertThat(Deadline.remaining(ctx, vts)).contains(Duration.ofSeconds(-1));
		assertThat(Deadline.remaining(Context.empty(), vts)).isEmpty();
	}

	@Test
	void monoFailsWithDeadlineExceededExactlyAtTheDeadlineAndCancelsTheSource() {
		PublisherProbe<String> source = PublisherProbe.of(Mono.never());

		StepVerifier.withVirtualTime(() -> source.mono()
						.transform(Deadline.enforce("lookup", Schedulers.parallel()))
						.contextWrite(Deadline.after(Duration.ofSeconds(1), Schedulers.parallel())))
				.expectSubscription()
				.expectNoEvent(Duration.ofMillis(999))
				.thenAwait(Duration.ofMillis(1))
				.expectErrorSatisfies(e -> {
					assertThat(e).isInstanceOf(DeadlineExceededException.class)
							.hasMessage("lookup: deadline 1970-01-01T00:00:01Z exceeded at 1970-01-01T00:00:01Z");
					DeadlineExceededException d = (DeadlineExceededException) e;
					assertThat(d.deadline()).isEqualTo(T0.plusSeconds(1));
					assertThat(d.retryable()).isTrue();
					assertThat(d.context()).containsEntry("operation", "lookup");
				})
				.verify();
		source.assertWasCancelled();
	}

	@Test
	void monoBeforeTheDeadlinePassesAndStopsTheTimer() {
		TimerTrackingScheduler clock = new TimerTrackingScheduler();

		StepVerifier.withVirtualTime(() -> Mono.delay(Duration.ofMillis(500), clock.vts).thenReturn("en-US")
						.transform(Deadline.enforce("lookup", clock))
						.contextWrite(Deadline.after(Duration.ofSeconds(1), clock)), () -> clock.vts, Long.MAX_VALUE)
				.expectSubscription()
				.then(() -> assertThat(clock.pendingTimers).hasValue(1))
				.thenAwait(Duration.ofMillis(500))
				.expectNext("en-US")
				.verifyComplete();
		assertThat(clock.pendingTimers).hasValue(0);
	}

	@Test
	void sourceSubscribedAfterTheDeadlineIsNotSubscribedAtAll() {
		VirtualTimeScheduler vts = VirtualTimeScheduler.create();
		vts.advanceTimeBy(Duration.ofSeconds(10));
		PublisherProbe<String> mono = PublisherProbe.of(Mono.just("x"));
		PublisherProbe<String> flux = PublisherProbe.of(Flux.just("x"));

		StepVerifier.create(mono.mono().transform(Deadline.enforce("late", vts)).contextWrite(Deadline.at(T0.plusSeconds(10))))
				.expectError(DeadlineExceededException.class)
				.verify();
		StepVerifier.create(flux.flux().transform(Deadline.enforce("late", vts)).contextWrite(Deadline.at(T0.plusSeconds(9))))
				.expectError(DeadlineExceededException.class)
				.verify();
		mono.assertWasNotSubscribed();
		flux.assertWasNotSubscribed();
	}

	@Test
	void withoutADeadlineTheSourceIsUsedAsItIs() {
		StepVerifier.create(Flux.range(1, 3).transform(Deadline.enforce("op", Schedulers.parallel())))
				.expectNext(1, 2, 3)
				.verifyComplete();
		StepVerifier.create(Mono.just(1).transform(Deadline.enforce("op")))
				.expectNext(1)
				.verifyComplete();
	}

	@Test
	void fluxPassesValuesUntilTheDeadlineThenFailsAndCancelsTheSource() {
		// One virtual clock for ticks and deadline: built outside the supplier, Schedulers.parallel()
		// is the real one, and a 400 ms stall of the test thread lets a real tick into expectNoEvent.
		VirtualTimeScheduler vts = VirtualTimeScheduler.create();
		PublisherProbe<Long> probe = PublisherProbe.of(Flux.interval(Duration.ofMillis(400), vts));

		StepVerifier.withVirtualTime(() -> probe.flux()
						.transform(Deadline.enforce("ticks", vts))
						.contextWrite(Deadline.after(Duration.ofSeconds(1), vts)), () -> vts, Long.MAX_VALUE)
				.expectSubscription()
				.expectNoEvent(Duration.ofMillis(400))
				.expectNext(0L)
				.expectNoEvent(Duration.ofMillis(400))
				.expectNext(1L)
				.expectNoEvent(Duration.ofMillis(199))
				.thenAwait(Duration.ofMillis(1))
				.expectError(DeadlineExceededException.class)
				.verify();
		probe.assertWasCancelled();
	}

	@Test
	void fluxCompletingBeforeTheDeadlineCompletesAndStopsTheTimer() {
		TimerTrackingScheduler clock = new TimerTrackingScheduler();

		StepVerifier.withVirtualTime(() -> Flux.just(1, 2)
						.transform(Deadline.enforce("op", clock))
						.contextWrite(Deadline.after(Duration.ofSeconds(1), clock)), () -> clock.vts, Long.MAX_VALUE)
				.expectNext(1, 2)
				.verifyComplete();
		assertThat(clock.pendingTimers).hasValue(0);
	}

	@Test
	void fluxErrorOfTheSourcePassesAndStopsTheTimer() {
		TimerTrackingScheduler clock = new TimerTrackingScheduler();
		IllegalStateException boom = new IllegalStateException("boom");

		StepVerifier.create(Flux.<Integer>error(boom)
						.transform(Deadline.enforce("op", clock))
						.contextWrite(Deadline.after(Duration.ofSeconds(1), clock)))
				.expectErrorMatches(e -> e == boom)
				.verify();
		assertThat(clock.pendingTimers).hasValue(0);
	}

	@Test
	void fluxHonoursBackpressure() {
		TestPublisher<Integer> source = TestPublisher.create();
		VirtualTimeScheduler vts = VirtualTimeScheduler.create();

		StepVerifier.create(source.flux().transform(Deadline.enforce("op", vts))
						.contextWrite(Deadline.after(Duration.ofSeconds(1), vts)), 0)
				.expectSubscription()
				.then(() -> source.assertMinRequested(0).assertMaxRequested(0))
				.thenRequest(2)
				.then(() -> source.assertMaxRequested(2).next(1, 2))
				.expectNext(1, 2)
				.then(() -> source.complete())
				.verifyComplete();
	}

	@Test
	void cancellingTheSubscriberCancelsTheSourceAndStopsTheTimer() {
		TimerTrackingScheduler clock = new TimerTrackingScheduler();
		PublisherProbe<Integer> flux = PublisherProbe.of(Flux.never());
		PublisherProbe<Integer> mono = PublisherProbe.of(Mono.never());

		StepVerifier.create(flux.flux().transform(Deadline.enforce("op", clock))
						.contextWrite(Deadline.after(Duration.ofSeconds(1), clock)))
				.expectSubscription()
				.thenCancel()
				.verify();
		StepVerifier.create(mono.mono().transform(Deadline.enforce("op", clock))
						.contextWrite(Deadline.after(Duration.ofSeconds(1), clock)))
				.expectSubscription()
				.thenCancel()
				.verify();

		flux.assertWasCancelled();
		mono.assertWasCancelled();
		assertThat(clock.pendingTimers).hasValue(0);
	}
}
