package io.gopherflux.replicate;

import io.gopherflux.testing.TimerTrackingScheduler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.scheduler.VirtualTimeScheduler;

class ReplicatorTest {

	@Test
	void nullAndInvalidArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> Replicator.of(null)).withMessage("config");
		assertThatNullPointerException().isThrownBy(() -> Replicator.first(2, null)).withMessage("replica");
		assertThatNullPointerException().isThrownBy(() -> Replicator.of(ReplicateConfig.of(1)).request(null))
				.withMessage("replica");
		assertThatIllegalArgumentException().isThrownBy(() -> Replicator.first(0, i -> Mono.just(i)))
				.withMessageContaining("replicas");
	}

	@Test
	void firstValueWinsAndEveryLoserIsCancelled() {
		long[] seconds = {3, 1, 4, 2, 5};
		List<PublisherProbe<Long>> probes = new ArrayList<>();

		StepVerifier.withVirtualTime(() -> Replicator.<Long>first(seconds.length, i -> {
					PublisherProbe<Long> probe = PublisherProbe.of(
							Mono.delay(Duration.ofSeconds(seconds[i]), Schedulers.parallel()).thenReturn((long) i));
					probes.add(probe);
					return probe.mono();
				}))
				.expectSubscription()
				.expectNoEvent(Duration.ofSeconds(1))
				.expectNext(1L)
				.verifyComplete();

		assertThat(probes).hasSize(5);
		for (int i = 0; i < probes.size(); i++) {
			if (i == 1) {
				probes.get(i).assertWasNotCancelled();
			}
			else {
				probes.get(i).assertWasCancelled();
			}
		}
	}

	@Test
	void errorsDoNotWinTheOthersAreAwaited() {
		StepVerifier.withVirtualTime(() -> Replicator.<String>first(3, i -> switch (i) {
					case 0 -> Mono.error(new IOException("refused"));
					case 1 -> Mono.delay(Duration.ofSeconds(2), Schedulers.parallel()).thenReturn("late but fine");
					default -> Mono.delay(Duration.ofSeconds(1), Schedulers.parallel()).then(Mono.empty());
				}))
				.expectSubscription()
				.expectNoEvent(Duration.ofSeconds(2))
				.expectNext("late but fine")
				.verifyComplete();
	}

	@Test
	void allFailedIsOneWellFormedErrorCarryingEveryCause() {
		IOException refused = new IOException("refused");
		IllegalStateException broken = new IllegalStateException("broken");
		RecordingMetrics metrics = new RecordingMetrics();
		Replicator replicator = Replicator.of(ReplicateConfig.of(4).withMetrics(metrics));

		StepVerifier.create(replicator.<String>request(i -> switch (i) {
					case 0 -> Mono.error(refused);
					case 1 -> Mono.empty();
					case 2 -> throw broken;
					default -> null;
				}))
				.expectErrorSatisfies(e -> {
					assertThat(e).isInstanceOf(AllReplicasFailedException.class);
					AllReplicasFailedException all = (AllReplicasFailedException) e;
					assertThat(all.causes()).hasSize(4);
					assertThat(all.causes().get(0)).isSameAs(refused);
					assertThat(all.causes().get(1)).isInstanceOf(NoSuchElementException.class)
							.hasMessage("replica 1 completed without a value");
					assertThat(all.causes().get(2)).isSameAs(broken);
					assertThat(all.causes().get(3)).isInstanceOf(NullPointerException.class)
							.hasMessage("replica 3 returned null");
					assertThat(all.getSuppressed()).containsExactlyElementsOf(all.causes());
					assertThat(all).hasMessageStartingWith("all 4 replicas failed: #0 java.io.IOException: refused; #1 ");
					assertThat(all.context()).containsExactly(Map.entry("replicas", 4), Map.entry("hedgeDelay", Duration.ZERO));
					assertThat(all.retryable()).isTrue();
				})
				.verify();
		assertThat(metrics.events).containsExactly("started 0", "started 1", "started 2", "started 3", "all 4 failed");
	}

	@Test
	void singleReplicaFailingIsAlsoAllFailed() {
		IOException refused = new IOException("refused");

		StepVerifier.create(Replicator.<String>first(1, i -> Mono.error(refused)))
				.expectErrorSatisfies(e -> assertThat(((AllReplicasFailedException) e).causes()).containsExactly(refused))
				.verify();
		StepVerifier.create(Replicator.<String>first(1, i -> Mono.just("only")))
				.expectNext("only")
				.verifyComplete();
	}

	@Test
	void hedgedReplicasStartExactlyOneDelayApart() {
		VirtualTimeScheduler vts = VirtualTimeScheduler.create();
		List<Long> startedAtMillis = new CopyOnWriteArrayList<>();
		Replicator replicator = Replicator.of(ReplicateConfig.of(3)
				.withHedgeDelay(HedgeDelay.fixed(Duration.ofMillis(100))).withClock(vts));

		StepVerifier.withVirtualTime(() -> replicator.<String>request(i -> {
					startedAtMillis.add(vts.now(TimeUnit.MILLISECONDS));
					return Mono.never();
				}), () -> vts, Long.MAX_VALUE)
				.expectSubscription()
				.then(() -> assertThat(startedAtMillis).containsExactly(0L))
				.thenAwait(Duration.ofMillis(99))
				.then(() -> assertThat(startedAtMillis).containsExactly(0L))
				.thenAwait(Duration.ofMillis(1))
				.then(() -> assertThat(startedAtMillis).containsExactly(0L, 100L))
				.thenAwait(Duration.ofMillis(100))
				.then(() -> assertThat(startedAtMillis).containsExactly(0L, 100L, 200L))
				.thenAwait(Duration.ofSeconds(10))
				.then(() -> assertThat(startedAtMillis).as("capped at 3 replicas").hasSize(3))
				.thenCancel()
				.verify();
	}

	@Test
	void hedgesAreNotStartedOnceAnEarlierReplicaAnswered() {
		TimerTrackingScheduler clock = new TimerTrackingScheduler();
		List<Integer> started = new CopyOnWriteArrayList<>();
		RecordingMetrics metrics = new RecordingMetrics();
		Replicator replicator = Replicator.of(ReplicateConfig.of(3)
				.withHedgeDelay(HedgeDelay.fixed(Duration.ofMillis(100))).withClock(clock).withMetrics(metrics));

		StepVerifier.withVirtualTime(() -> replicator.<Integer>request(i -> {
					started.add(i);
					return Mono.delay(Duration.ofMillis(i == 0 ? 150 : 10), clock).thenReturn(i);
				}), () -> clock.vts, Long.MAX_VALUE)
				.expectSubscription()
				.expectNoEvent(Duration.ofMillis(110))
				.expectNext(1)
				.verifyComplete();

		clock.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(started).containsExactly(0, 1);
		assertThat(clock.pendingTimers).as("replica 2's start and replica 0's work were cancelled").hasValue(0);
		assertThat(metrics.events).containsExactly("started 0", "started 1", "cancelled 0", "won 1 after PT0.11S");
	}

	@Test
	void hedgeDelayFollowsTheObservedPercentile() {
		VirtualTimeScheduler vts = VirtualTimeScheduler.create();
		Replicator replicator = Replicator.of(ReplicateConfig.of(2)
				.withHedgeDelay(new HedgeDelay.Percentile(50, Duration.ofSeconds(1), 4, 4)).withClock(vts));

		assertThat(replicator.hedgeDelay()).as("initial until 4 are known").isEqualTo(Duration.ofSeconds(1));
		for (long millis : new long[] {40, 10, 30, 20}) {
			StepVerifier.create(replicator.<Long>request(i -> Mono.delay(Duration.ofMillis(millis), vts).thenReturn(millis)))
					.expectSubscription()
					.then(() -> vts.advanceTimeBy(Duration.ofMillis(millis)))
					.expectNext(millis)
					.verifyComplete();
		}
		assertThat(replicator.hedgeDelay()).isEqualTo(Duration.ofMillis(20));

		List<Long> startedAtMillis = new CopyOnWriteArrayList<>();
		long t0 = vts.now(TimeUnit.MILLISECONDS);
		StepVerifier.create(replicator.<Long>request(i -> {
					startedAtMillis.add(vts.now(TimeUnit.MILLISECONDS) - t0);
					return Mono.delay(Duration.ofMillis(i == 0 ? 100 : 5), vts).thenReturn((long) i);
				}))
				.expectSubscription()
				.then(() -> vts.advanceTimeBy(Duration.ofMillis(25)))
				.expectNext(1L)
				.verifyComplete();
		assertThat(startedAtMillis).containsExactly(0L, 20L);
	}

	@Test
	void metricsNameTheWinnerItsLatencyAndEachCancelledLoser() {
		RecordingMetrics metrics = new RecordingMetrics();
		long[] seconds = {3, 1, 2};

		StepVerifier.withVirtualTime(() -> Replicator.of(ReplicateConfig.of(3).withMetrics(metrics))
						.<Integer>request(i -> Mono.delay(Duration.ofSeconds(seconds[i]), Schedulers.parallel()).thenReturn(i)))
				.thenAwait(Duration.ofSeconds(1))
				.expectNext(1)
				.verifyComplete();

		assertThat(metrics.events).containsExactly("started 0", "started 1", "started 2", "cancelled 0", "cancelled 2",
				"won 1 after PT1S");
	}

	@Test
	void aReplicaThatAlreadyFailedIsNotCountedAsCancelled() {
		RecordingMetrics metrics = new RecordingMetrics();

		StepVerifier.withVirtualTime(() -> Replicator.of(ReplicateConfig.of(3).withMetrics(metrics))
						.<Integer>request(i -> i == 0 ? Mono.error(new IOException("x"))
								: Mono.delay(Duration.ofSeconds(i), Schedulers.parallel()).thenReturn(i)))
				.thenAwait(Duration.ofSeconds(1))
				.expectNext(1)
				.verifyComplete();

		assertThat(metrics.events).containsExactly("started 0", "started 1", "started 2", "cancelled 2",
				"won 1 after PT1S");
	}

	@Test
	void cancellingTheRequestCancelsEveryStartedReplicaAndPendingStart() {
		TimerTrackingScheduler clock = new TimerTrackingScheduler();
		List<PublisherProbe<Integer>> probes = new CopyOnWriteArrayList<>();
		RecordingMetrics metrics = new RecordingMetrics();
		Replicator replicator = Replicator.of(ReplicateConfig.of(4)
				.withHedgeDelay(HedgeDelay.fixed(Duration.ofSeconds(1))).withClock(clock).withMetrics(metrics));

		StepVerifier.withVirtualTime(() -> replicator.<Integer>request(i -> {
					PublisherProbe<Integer> probe = PublisherProbe.of(Mono.never());
					probes.add(probe);
					return probe.mono();
				}), () -> clock.vts, Long.MAX_VALUE)
				.expectSubscription()
				.thenAwait(Duration.ofMillis(1500))
				.thenCancel()
				.verify();

		assertThat(probes).hasSize(2);
		probes.forEach(PublisherProbe::assertWasCancelled);
		assertThat(clock.pendingTimers).hasValue(0);
		assertThat(metrics.events).containsExactly("started 0", "started 1", "cancelled 0", "cancelled 1");
	}

	@Test
	void eachSubscriptionIsANewRequest() {
		List<Integer> started = new CopyOnWriteArrayList<>();
		Mono<Integer> request = Replicator.first(2, i -> {
			started.add(i);
			return Mono.just(i);
		});

		StepVerifier.create(request).expectNext(0).verifyComplete();
		StepVerifier.create(request).expectNext(0).verifyComplete();
		assertThat(started).containsExactly(0, 0);
	}
}
