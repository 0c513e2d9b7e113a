package io.gopherflux.heartbeat;

import io.gopherflux.testing.RawSubscriber;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Scannable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
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
							.hasMessage("no heartbeat from 'ward-1' within PT2S");
					HeartbeatTimeoutException timeout = (HeartbeatTimeoutException) e;
					assertThat(timeout.name()).hasValue("ward-1");
					assertThat(timeout.timeout()).isEqualTo(TIMEOUT);
					assertThat(timeout.context()).containsEntry("name", "ward-1").containsEntry("timeout", TIMEOUT);
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
	void anUnnamedWatchdogNamesNoWard() {
		StepVerifier.withVirtualTime(() -> ward.flux().transform(Heartbeat.watchdog(TIMEOUT)), () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.thenAwait(TIMEOUT)
				.expectErrorSatisfies(e -> {
					assertThat(e).isInstanceOf(HeartbeatTimeoutException.class).hasMessage("no heartbeat within PT2S");
					assertThat(((HeartbeatTimeoutException) e).name()).isEmpty();
					assertThat(((HeartbeatTimeoutException) e).context()).containsOnlyKeys("timeout");
				})
				.verify(VERIFY);
	}

	@Test
	void cancelReachesTheSourceOnce() {
		AtomicInteger cancels = new AtomicInteger();
		StepVerifier.withVirtualTime(() -> ward.flux().doOnCancel(cancels::incrementAndGet).transform(Heartbeat.watchdog("w", TIMEOUT, scheduler)),
						() -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.consumeSubscriptionWith(s -> {
					s.cancel();
					s.cancel();
				})
				.thenCancel()
				.verify(VERIFY);
		assertThat(cancels).hasValue(1);

		// A timeout cancels the source; a cancel after it does not cancel it again.
		CountingScheduler another = CountingScheduler.create();
		AtomicInteger afterTimeout = new AtomicInteger();
		RawSubscriber<Beat<Integer>> subscriber = new RawSubscriber<>();
		TestPublisher<Beat<Integer>> silent = TestPublisher.create();
		silent.flux().doOnCancel(afterTimeout::incrementAndGet).transform(Heartbeat.watchdog("w", TIMEOUT, another)).subscribe(subscriber);
		subscriber.subscription.request(1);
		another.virtualTime().advanceTimeBy(TIMEOUT);
		assertThat(subscriber.error).isInstanceOf(HeartbeatTimeoutException.class);
		subscriber.subscription.cancel();
		assertThat(afterTimeout).hasValue(1);
	}

	@Test
	void aFailureAfterCancelIsQuietAndALateBeatIsDiscarded() {
		TestPublisher<Beat<Integer>> lagging = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
		List<Throwable> dropped = new CopyOnWriteArrayList<>();
		List<Object> discarded = new CopyOnWriteArrayList<>();
		List<Object> nextDropped = new CopyOnWriteArrayList<>();
		RawSubscriber<Beat<Integer>> subscriber = new RawSubscriber<>();
		Hooks.onErrorDropped(dropped::add);
		Hooks.onNextDropped(nextDropped::add);
		try {
			lagging.flux().transform(Heartbeat.watchdog("w", TIMEOUT, scheduler))
					.doOnDiscard(Object.class, discarded::add)
					.subscribe(subscriber);
			subscriber.subscription.request(1);
			subscriber.subscription.cancel();
			// The source had not seen the cancel yet: one more beat, then its failure as it stops.
			lagging.next(Beat.value(7));
			lagging.error(new IllegalStateException("stopping"));
		}
		finally {
			Hooks.resetOnErrorDropped();
			Hooks.resetOnNextDropped();
		}
		assertThat(subscriber.values).isEmpty();
		assertThat(subscriber.error).isNull();
		assertThat(dropped).isEmpty();
		assertThat(nextDropped).isEmpty();
		assertThat(discarded).containsExactly(Beat.value(7));
		assertThat(scheduler.liveTimers()).isZero();
	}

	@Test
	void assemblyHooksSeeTheWatchdog() {
		List<String> assembled = new CopyOnWriteArrayList<>();
		Hooks.onEachOperator("watchdog-test", publisher -> {
			assembled.add(publisher.getClass().getSimpleName());
			return publisher;
		});
		try {
			Flux.<Beat<Integer>>never().transform(Heartbeat.watchdog(TIMEOUT));
		}
		finally {
			Hooks.resetOnEachOperator("watchdog-test");
		}
		assertThat(assembled).contains("HeartbeatWatchdog");

		Hooks.onOperatorDebug();
		try {
			Flux<Beat<Integer>> debugged = Flux.<Beat<Integer>>error(new IllegalStateException("ward down"))
					.transform(Heartbeat.watchdog(TIMEOUT));
			StepVerifier.create(debugged)
					.expectErrorSatisfies(e -> assertThat(e.getSuppressed()).anySatisfy(trace ->
							assertThat(trace.toString()).contains("HeartbeatWatchdog")))
					.verify(VERIFY);
		}
		finally {
			Hooks.resetOnOperatorDebug();
		}
	}

	@Test
	void scansLikeAReactorOperator() {
		Flux<Beat<Integer>> watched = watched();
		Scannable operator = Scannable.from(watched);
		assertThat(operator.scan(Scannable.Attr.PARENT)).isNotNull();
		assertThat(operator.scanUnsafe(Scannable.Attr.RUN_ON)).isSameAs(scheduler);
		assertThat(operator.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.ASYNC);

		AtomicReference<Subscription> upstream = new AtomicReference<>();
		BaseSubscriber<Beat<Integer>> subscriber = new BaseSubscriber<>() {
			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				upstream.set(subscription);
			}
		};
		watched.subscribe(subscriber);
		Scannable inner = Scannable.from(upstream.get());
		assertThat(inner.scan(Scannable.Attr.PARENT)).isNotNull();
		assertThat(inner.scanUnsafe(Scannable.Attr.ACTUAL)).isSameAs(subscriber);
		subscriber.request(3);
		ward.next(Beat.value(1));
		assertThat(inner.scan(Scannable.Attr.REQUESTED_FROM_DOWNSTREAM)).isEqualTo(2L);
		assertThat(inner.scan(Scannable.Attr.TERMINATED)).isFalse();
		assertThat(inner.scan(Scannable.Attr.CANCELLED)).isFalse();
		subscriber.cancel();
		assertThat(inner.scan(Scannable.Attr.CANCELLED)).isTrue();
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
