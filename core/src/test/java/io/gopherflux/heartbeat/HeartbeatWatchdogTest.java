package io.gopherflux.heartbeat;

import io.gopherflux.testing.RawSubscriber;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

class HeartbeatWatchdogTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);
	private static final Duration VERIFY = Duration.ofSeconds(10);

	private final CountingScheduler scheduler = CountingScheduler.create();
	private final VirtualTimeScheduler clock = scheduler.virtualTime();
	private final TestPublisher<Beat<Integer>> ward = TestPublisher.create();

	private Flux<Beat<Integer>> watched() {
		return ward.flux().transform(Heartbeat.watchdog("ward-1", TIMEOUT, scheduler));
	}

	@Test
	void failsWithAWellFormedErrorWhenASilentWardKeepsTheConsumerWaiting() {
		StepVerifier.withVirtualTime(this::watched, () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.expectNoEvent(TIMEOUT.minusNanos(1))
				.thenAwait(Duration.ofNanos(1))
				.expectErrorSatisfies(e -> {
					assertThat(e).isInstanceOf(HeartbeatTimeoutException.class)
							.hasMessage("no heartbeat from ward 'ward-1' within PT2S");
					HeartbeatTimeoutException timeout = (HeartbeatTimeoutException) e;
					assertThat(timeout.ward()).isEqualTo("ward-1");
					assertThat(timeout.timeout()).isEqualTo(TIMEOUT);
					assertThat(timeout.context()).containsEntry("ward", "ward-1").containsEntry("timeout", TIMEOUT);
					assertThat(timeout.retryable()).isTrue();
				})
				.verify(VERIFY);
		ward.assertCancelled();
		assertThat(scheduler.liveTimers()).isZero();
	}

	@Test
	void everyBeatRestartsTheClock() {
		StepVerifier.withVirtualTime(this::watched, () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.thenAwait(Duration.ofMillis(1_500))
				.then(() -> ward.next(Beat.pulse()))
				.expectNext(Beat.pulse())
				.thenAwait(Duration.ofMillis(1_500))
				.then(() -> ward.next(Beat.value(1)))
				.expectNext(Beat.value(1))
				.expectNoEvent(Duration.ofMillis(1_999))
				.thenAwait(Duration.ofMillis(1))
				.expectError(HeartbeatTimeoutException.class)
				.verify(VERIFY);
		assertThat(clock.now(TimeUnit.MILLISECONDS)).isEqualTo(5_000);
	}

	@Test
	void theClockStopsWhileTheConsumerIsNotWaiting() {
		StepVerifier.withVirtualTime(this::watched, () -> clock, 1)
				.expectSubscription()
				.then(() -> ward.next(Beat.value(1)))
				.expectNext(Beat.value(1))
				// A consumer busy elsewhere for an hour does not make the ward look silent.
				.expectNoEvent(Duration.ofHours(1))
				.thenRequest(1)
				.expectNoEvent(TIMEOUT.minusNanos(1))
				.thenAwait(Duration.ofNanos(1))
				.expectError(HeartbeatTimeoutException.class)
				.verify(VERIFY);
	}

	@Test
	void keepsOneTimerTaskWhateverTheRateOfBeats() {
		StepVerifier.withVirtualTime(this::watched, () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.then(() -> {
					for (int i = 0; i < 10_000; i++) {
						ward.next(Beat.value(i));
					}
				})
				.expectNextCount(10_000)
				.then(() -> assertThat(scheduler.liveTasks()).isEqualTo(1))
				.then(() -> ward.complete())
				.verifyComplete();
		assertThat(scheduler.scheduledTasks()).isEqualTo(1);
		assertThat(scheduler.liveTimers()).isZero();
	}

	@Test
	void passesCompletionAndErrorsThrough() {
		StepVerifier.withVirtualTime(this::watched, () -> clock, Long.MAX_VALUE)
				.then(() -> ward.next(Beat.value(3)).complete())
				.expectNext(Beat.value(3))
				.verifyComplete();
		assertThat(scheduler.liveTimers()).isZero();

		CountingScheduler another = CountingScheduler.create();
		TestPublisher<Beat<Integer>> failing = TestPublisher.create();
		StepVerifier.create(failing.flux().transform(Heartbeat.watchdog("w", TIMEOUT, another)))
				.then(() -> failing.error(new IllegalStateException("ward broke")))
				.verifyErrorMessage("ward broke");
		assertThat(another.liveTimers()).isZero();
	}

	@Test
	void cancellingCancelsTheWardAndTheTimer() {
		StepVerifier.withVirtualTime(this::watched, () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.then(() -> assertThat(scheduler.liveTasks()).isEqualTo(1))
				.thenCancel()
				.verify(VERIFY);
		ward.assertCancelled();
		assertThat(scheduler.liveTimers()).isZero();
		clock.advanceTimeBy(Duration.ofHours(1));
	}

	@Test
	void aBadRequestFailsWithIllegalArgument() {
		RawSubscriber<Beat<Integer>> subscriber = new RawSubscriber<>();
		watched().subscribe(subscriber);
		subscriber.subscription.request(-1);
		assertThat(subscriber.error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
		ward.assertCancelled();
		assertThat(scheduler.liveTimers()).isZero();
	}
}
