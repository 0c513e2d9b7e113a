package io.gopherflux.steward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.random.RandomGenerator;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.CountingScheduler;
import io.gopherflux.heartbeat.Heartbeat;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.test.util.TestLogger;
import reactor.util.Loggers;

class StewardTest {

	private static final Duration VERIFY = Duration.ofSeconds(30);

	/** Jitter at its lowest, and three quarters up: each delay at the low end of its spread, or a quarter above its step. */
	private static final RandomGenerator LOWEST = () -> 0L;
	private static final RandomGenerator THREE_QUARTERS = () -> 0xC000_0000_0000_0000L;

	private final CountingScheduler scheduler = CountingScheduler.create();
	private final VirtualTimeScheduler clock = scheduler.virtualTime();
	private final Recorder recorder = new Recorder();

	/** Ward starts and stops, and the steward's reports, with the virtual time they happened at. */
	final class Recorder implements StewardMetrics {
		final List<Long> starts = Collections.synchronizedList(new ArrayList<>());
		final List<Long> stops = Collections.synchronizedList(new ArrayList<>());
		final List<String> restarts = Collections.synchronizedList(new ArrayList<>());
		final AtomicInteger live = new AtomicInteger();

		long now() {
			return clock.now(TimeUnit.MILLISECONDS);
		}

		<T> Flux<Beat<T>> track(Flux<Beat<T>> ward) {
			return ward.doOnSubscribe(s -> {
				starts.add(now());
				live.incrementAndGet();
			}).doFinally(signal -> {
				stops.add(now());
				live.decrementAndGet();
			});
		}

		@Override
		public void restarted(String ward, RestartReason reason) {
			restarts.add(now() + " " + reason.tag());
		}
	}

	private StewardConfig config(String name, Duration timeout) {
		return StewardConfig.of(name, timeout).withScheduler(scheduler).withMetrics(recorder);
	}

	/** The book's irresponsible ward: never pulses, waits to be cancelled. */
	private <T> Ward<T> irresponsible() {
		return pulseInterval -> recorder.track(Flux.never());
	}

	/** The book's integer ward: loops over the list, pulsing; on a negative value it returns, its stream left open. */
	private Ward<Integer> integers(List<Integer> list) {
		return pulseInterval -> {
			Sinks.Empty<Void> returned = Sinks.empty();
			Flux<Integer> values = Flux.fromIterable(list).repeat()
					.takeWhile(n -> n >= 0 || returned.tryEmitEmpty().isFailure())
					.concatWith(Flux.never());
			Flux<Long> pulses = Flux.interval(pulseInterval, scheduler).takeUntilOther(returned.asMono());
			return recorder.track(Heartbeat.pulsing(values, pulses));
		};
	}

	/** A ward that emits the given values and then ends with {@code end}. */
	private Ward<Integer> emitting(Flux<Integer> values) {
		return pulseInterval -> recorder.track(values.map(Beat::value));
	}

	@Test
	void nullArgumentsAreRejectedAtAssembly() {
		Ward<Integer> ward = irresponsible();
		assertThatNullPointerException().isThrownBy(() -> Steward.of((Duration) null, ward)).withMessage("timeout");
		assertThatNullPointerException().isThrownBy(() -> Steward.of(Duration.ofSeconds(1), null)).withMessage("ward");
		assertThatNullPointerException().isThrownBy(() -> Steward.of((StewardConfig) null, ward)).withMessage("config");
		assertThatNullPointerException().isThrownBy(() -> Steward.of(Duration.ofSeconds(1), ward).start(null))
				.withMessage("pulseInterval");
		assertThatNullPointerException().isThrownBy(() -> StewardConfig.of(null, Duration.ofSeconds(1))).withMessage("name");
		StewardConfig config = StewardConfig.of("w", Duration.ofSeconds(1));
		assertThatNullPointerException().isThrownBy(() -> config.withRestartPolicy(null)).withMessage("restartPolicy");
		assertThatNullPointerException().isThrownBy(() -> config.withScheduler(null)).withMessage("scheduler");
		assertThatNullPointerException().isThrownBy(() -> config.withMetrics(null)).withMessage("metrics");
		assertThatNullPointerException().isThrownBy(() -> config.withRandom(null)).withMessage("random");
	}

	@Test
	void invalidArgumentsAreRejectedAtAssembly() {
		assertThatIllegalArgumentException().isThrownBy(() -> Steward.of(Duration.ZERO, irresponsible()))
				.withMessage("timeout must be positive, was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> StewardConfig.of(" ", Duration.ofSeconds(1)))
				.withMessage("name must not be blank");
		assertThatIllegalArgumentException().isThrownBy(() -> Steward.of(Duration.ofSeconds(1), irresponsible()).start(Duration.ofSeconds(-1)))
				.withMessage("pulseInterval must be positive, was PT-1S");
	}

	/** The book's first run: timeout 4 s, halted at 9 s. */
	@Test
	void booksIrresponsibleWardIsStartedThreeTimesAndHaltedWithTheSteward() {
		Steward<Object> steward = Steward.of(config("irresponsible", Duration.ofSeconds(4)), irresponsible());
		StepVerifier.withVirtualTime(() -> steward.start(Duration.ofSeconds(4)).take(Duration.ofSeconds(9), scheduler),
						() -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.thenAwait(Duration.ofSeconds(9))
				// The steward's own pulses at 4 s and 8 s.
				.expectNext(Beat.pulse(), Beat.pulse())
				.verifyComplete();
		assertThat(recorder.starts).containsExactly(0L, 4_000L, 8_000L);
		assertThat(recorder.restarts).containsExactly("4000 timeout", "8000 timeout");
		assertThat(recorder.stops).containsExactly(4_000L, 8_000L, 9_000L);
		assertThat(recorder.live).hasValue(0);
		assertThat(scheduler.liveTimers()).isZero();
	}

	/** The book's second run: 1, 2, -1, ... with a 1 ms timeout; the first six values. */
	@Test
	void booksIntegerWardGivesOneTwoOneTwoOneTwo() {
		Steward<Integer> steward = Steward.of(config("integers", Duration.ofMillis(1)), integers(List.of(1, 2, -1, 3, 4, 5)));
		StepVerifier.withVirtualTime(() -> steward.start(Duration.ofHours(1)).transform(Heartbeat.values()).take(6),
						() -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.expectNext(1, 2)
				.expectNoEvent(Duration.ofMillis(1))
				.expectNext(1, 2)
				.expectNoEvent(Duration.ofMillis(1))
				.expectNext(1, 2)
				.verifyComplete();
		assertThat(recorder.starts).containsExactly(0L, 1L, 2L);
		assertThat(recorder.restarts).containsExactly("1 timeout", "2 timeout");
		assertThat(recorder.live).hasValue(0);
		assertThat(scheduler.liveTimers()).isZero();
	}

	@Test
	void aPulsingWardIsLeftAlone() {
		Ward<Integer> healthy = pulseInterval -> recorder.track(Heartbeat.interval(Flux.never(), pulseInterval, scheduler));
		StepVerifier.withVirtualTime(() -> Steward.of(config("healthy", Duration.ofSeconds(2)), healthy)
						.start(Duration.ofHours(1)), () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.thenAwait(Duration.ofMinutes(30))
				.thenCancel()
				.verify(VERIFY);
		assertThat(recorder.starts).containsExactly(0L);
		assertThat(recorder.restarts).isEmpty();
		assertThat(scheduler.liveTimers()).isZero();
	}

	@Test
	void aWardWhoseValuesWaitForASlowConsumerIsNotRestarted() {
		StepVerifier.withVirtualTime(() -> Steward.of(config("busy", Duration.ofSeconds(2)), emitting(Flux.range(1, 1_000).concatWith(Flux.never())))
						.start(Duration.ofHours(1)).transform(Heartbeat.values()), () -> clock, 3)
				.expectNext(1, 2, 3)
				.expectNoEvent(Duration.ofHours(2))
				.thenRequest(2)
				.expectNext(4, 5)
				.thenCancel()
				.verify(VERIFY);
		assertThat(recorder.starts).containsExactly(0L);
		assertThat(recorder.live).hasValue(0);
	}

	@Test
	void aFailingWardIsRestartedAndItsValuesContinueInOneStream() {
		AtomicInteger runs = new AtomicInteger();
		Ward<Integer> failing = pulseInterval -> recorder.track(Flux.defer(() -> {
			int run = runs.incrementAndGet();
			return Flux.just(run * 10, run * 10 + 1).concatWith(Mono.error(new IllegalStateException("run " + run)));
		}).map(Beat::value));
		// The default policy, its jitter at the low end: 100 ms (a tenth of the timeout) between starts.
		StepVerifier.withVirtualTime(() -> Steward.of(config("failing", Duration.ofSeconds(1)).withRandom(LOWEST), failing)
						.start(Duration.ofHours(1)).transform(Heartbeat.values()).take(6), () -> clock, Long.MAX_VALUE)
				.expectNext(10, 11)
				.expectNoEvent(Duration.ofMillis(100))
				.expectNext(20, 21)
				.expectNoEvent(Duration.ofMillis(100))
				.expectNext(30, 31)
				.verifyComplete();
		assertThat(recorder.starts).containsExactly(0L, 100L, 200L);
		assertThat(recorder.restarts).containsExactly("0 error", "100 error");
	}

	@Test
	void aCompletedWardIsRestartedOrEndsTheStewardAsThePolicySays() {
		StepVerifier.withVirtualTime(() -> Steward.of(config("finite", Duration.ofSeconds(1)).withRandom(LOWEST), emitting(Flux.just(1, 2)))
						.start(Duration.ofHours(1)).transform(Heartbeat.values()).take(5), () -> clock, Long.MAX_VALUE)
				.expectNext(1, 2)
				.expectNoEvent(Duration.ofMillis(100))
				.expectNext(1, 2)
				.expectNoEvent(Duration.ofMillis(100))
				.expectNext(1)
				.verifyComplete();
		assertThat(recorder.restarts).containsExactly("0 completed", "100 completed");

		CountingScheduler another = CountingScheduler.create();
		StepVerifier.withVirtualTime(() -> Steward.of(StewardConfig.of("once", Duration.ofSeconds(1)).withScheduler(another)
								.withRestartPolicy(RestartPolicy.immediate().withRestartOnCompletion(false)), emitting(Flux.just(1, 2)))
						.start(Duration.ofHours(1)), () -> another.virtualTime(), Long.MAX_VALUE)
				.expectNext(Beat.value(1), Beat.value(2))
				.verifyComplete();
		assertThat(another.liveTimers()).isZero();
	}

	@Test
	void theJitterComesFromTheConfiguredRandomSource() {
		RestartPolicy policy = RestartPolicy.backoff(Duration.ofSeconds(1), Duration.ofSeconds(4));
		// Jitter 0.5: each step of 1, 2, 4, 4 s spread by up to half either way, never below 1 s or above 4 s.
		assertThat(startsOfAFailingWard(policy, LOWEST))
				.containsExactly(0L, 1_000L, 2_000L, 4_000L, 6_000L, 8_000L, 10_000L, 12_000L);
		assertThat(startsOfAFailingWard(policy, THREE_QUARTERS))
				.containsExactly(0L, 1_250L, 3_750L, 7_750L, 11_750L);
		assertThat(startsOfAFailingWard(policy, new Random(42))).isEqualTo(startsOfAFailingWard(policy, new Random(42)));
	}

	/** When a ward that fails at once is started in 12 s, each run on a fresh clock. */
	private static List<Long> startsOfAFailingWard(RestartPolicy policy, RandomGenerator random) {
		CountingScheduler fresh = CountingScheduler.create();
		List<Long> starts = new CopyOnWriteArrayList<>();
		Ward<Integer> failing = pulseInterval -> Flux.<Beat<Integer>>error(new IllegalStateException("down"))
				.doOnSubscribe(s -> starts.add(fresh.now(TimeUnit.MILLISECONDS)));
		StewardConfig config = StewardConfig.of("flaky", Duration.ofMinutes(5)).withScheduler(fresh)
				.withRestartPolicy(policy).withRandom(random);
		StepVerifier.withVirtualTime(() -> Steward.of(config, failing).start(Duration.ofHours(1)), fresh::virtualTime, Long.MAX_VALUE)
				.expectSubscription()
				.thenAwait(Duration.ofSeconds(12))
				.thenCancel()
				.verify(VERIFY);
		assertThat(fresh.liveTimers()).isZero();
		return starts;
	}

	@Test
	void restartsBackOffExponentially() {
		RestartPolicy policy = RestartPolicy.backoff(Duration.ofSeconds(1), Duration.ofSeconds(4)).withJitter(0);
		Ward<Integer> failing = pulseInterval -> recorder.track(Flux.error(new IllegalStateException("down")));
		StepVerifier.withVirtualTime(() -> Steward.of(config("flaky", Duration.ofMinutes(5)).withRestartPolicy(policy), failing)
						.start(Duration.ofHours(1)), () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.thenAwait(Duration.ofSeconds(12))
				.thenCancel()
				.verify(VERIFY);
		assertThat(recorder.starts).containsExactly(0L, 1_000L, 3_000L, 7_000L, 11_000L);
		assertThat(scheduler.liveTimers()).isZero();
	}

	@Test
	void givesUpWithAWellFormedErrorAfterTooManyRestartsInTheWindow() {
		RestartPolicy policy = RestartPolicy.immediate().withLimit(3, Duration.ofSeconds(10));
		Ward<Integer> failing = pulseInterval -> recorder.track(Flux.error(new IllegalStateException("disk full")));
		StepVerifier.withVirtualTime(() -> Steward.of(config("writer", Duration.ofSeconds(1)).withRestartPolicy(policy), failing)
						.start(Duration.ofHours(1)), () -> clock, Long.MAX_VALUE)
				.expectErrorSatisfies(e -> {
					assertThat(e).isInstanceOf(StewardGaveUpException.class)
							.hasMessage("steward gave up on ward 'writer' after 3 restarts within PT10S; last ended by WARD_ERROR")
							.hasCauseInstanceOf(IllegalStateException.class);
					StewardGaveUpException gaveUp = (StewardGaveUpException) e;
					assertThat(gaveUp.ward()).isEqualTo("writer");
					assertThat(gaveUp.restarts()).isEqualTo(3);
					assertThat(gaveUp.window()).isEqualTo(Duration.ofSeconds(10));
					assertThat(gaveUp.lastReason()).isEqualTo(RestartReason.WARD_ERROR);
					assertThat(gaveUp.context()).containsEntry("ward", "writer").containsEntry("restarts", 3);
				})
				.verify(VERIFY);
		assertThat(recorder.starts).hasSize(4);
		assertThat(scheduler.liveTimers()).isZero();
	}

	@Test
	void restartsOutsideTheWindowDoNotCount() {
		RestartPolicy policy = RestartPolicy.immediate().withLimit(1, Duration.ofSeconds(5));
		StepVerifier.withVirtualTime(() -> Steward.of(config("slow", Duration.ofSeconds(6)).withRestartPolicy(policy), irresponsible())
						.start(Duration.ofHours(1)), () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				// Restarts at 6, 12, 18 s: never two within 5 s.
				.thenAwait(Duration.ofSeconds(20))
				.thenCancel()
				.verify(VERIFY);
		assertThat(recorder.starts).containsExactly(0L, 6_000L, 12_000L, 18_000L);

		recorder.starts.clear();
		RestartPolicy tight = RestartPolicy.immediate().withLimit(1, Duration.ofSeconds(13));
		CountingScheduler another = CountingScheduler.create();
		StepVerifier.withVirtualTime(() -> Steward.of(StewardConfig.of("slow", Duration.ofSeconds(6)).withScheduler(another)
								.withRestartPolicy(tight), irresponsible())
						.start(Duration.ofHours(1)), () -> another.virtualTime(), Long.MAX_VALUE)
				.expectSubscription()
				.thenAwait(Duration.ofSeconds(12))
				.expectError(StewardGaveUpException.class)
				.verify(VERIFY);
	}

	@Test
	void cancellingDuringABackoffStopsTheDelayAndStartsNothing() {
		RestartPolicy policy = RestartPolicy.backoff(Duration.ofSeconds(5), Duration.ofSeconds(5));
		Ward<Integer> failing = pulseInterval -> recorder.track(Flux.error(new IllegalStateException("down")));
		StepVerifier.withVirtualTime(() -> Steward.of(config("flaky", Duration.ofSeconds(1)).withRestartPolicy(policy), failing)
						.start(Duration.ofSeconds(1)), () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				// Cancelled 3.5 s into the 5 s backoff, after three of the steward's own pulses.
				.thenAwait(Duration.ofMillis(3_500))
				.expectNext(Beat.pulse(), Beat.pulse(), Beat.pulse())
				.then(() -> assertThat(recorder.starts).containsExactly(0L))
				.thenCancel()
				.verify(VERIFY);
		clock.advanceTimeBy(Duration.ofMinutes(1));
		assertThat(recorder.starts).containsExactly(0L);
		assertThat(scheduler.liveTimers()).isZero();
	}

	@Test
	void stewardsNest() {
		// The inner steward heals the integer ward; the outer one watches the inner one's pulses.
		Steward<Integer> inner = Steward.of(config("inner", Duration.ofMillis(1)), integers(List.of(1, 2, -1)));
		List<String> outerRestarts = new CopyOnWriteArrayList<>();
		StewardConfig outerConfig = StewardConfig.of("outer", Duration.ofSeconds(10)).withScheduler(scheduler)
				.withMetrics(new StewardMetrics() {
					@Override
					public void restarted(String ward, RestartReason reason) {
						outerRestarts.add(reason.tag());
					}
				});
		StepVerifier.withVirtualTime(() -> Steward.of(outerConfig, inner).start(Duration.ofHours(1))
						.transform(Heartbeat.values()).take(Duration.ofSeconds(60), scheduler).count(), () -> clock, Long.MAX_VALUE)
				.thenAwait(Duration.ofSeconds(60))
				// Two values per millisecond for 60 s, from 60,000 inner wards.
				.expectNext(120_000L)
				.verifyComplete();
		assertThat(outerRestarts).isEmpty();
		assertThat(recorder.live).hasValue(0);
		assertThat(scheduler.liveTimers()).isZero();
	}

	@Test
	void anOuterStewardRestartsAnInnerStewardThatGaveUp() {
		AtomicInteger runs = new AtomicInteger();
		Ward<Integer> failing = pulseInterval -> Flux.defer(() -> Flux.just(runs.incrementAndGet())
				.concatWith(Mono.error(new IllegalStateException("crash")))).map(Beat::value);
		Steward<Integer> inner = Steward.of(config("inner", Duration.ofSeconds(1))
				.withRestartPolicy(RestartPolicy.immediate().withLimit(1, Duration.ofMinutes(1))), failing);
		List<String> outerRestarts = new CopyOnWriteArrayList<>();
		StewardConfig outerConfig = StewardConfig.of("outer", Duration.ofSeconds(10)).withScheduler(scheduler)
				.withRandom(LOWEST)
				.withMetrics(new StewardMetrics() {
					@Override
					public void restarted(String ward, RestartReason reason) {
						outerRestarts.add(clock.now(TimeUnit.MILLISECONDS) + " " + reason.tag());
					}
				});
		StepVerifier.withVirtualTime(() -> Steward.of(outerConfig, inner).start(Duration.ofHours(1))
						.transform(Heartbeat.values()).take(6), () -> clock, Long.MAX_VALUE)
				.expectNext(1, 2)
				.expectNoEvent(Duration.ofSeconds(1))
				.expectNext(3, 4)
				.expectNoEvent(Duration.ofSeconds(1))
				.expectNext(5, 6)
				.verifyComplete();
		// The inner steward restarts its ward on the spot; the outer one, paced by its 10 s timeout, after 1 s.
		assertThat(outerRestarts).containsExactly("0 error", "1000 error");
	}

	/**
	 * A ward that fails at once under the default policy: not restarted inside its own failure
	 * (so subscribing returns), then paced by the backoff from a tenth of the timeout up to the
	 * timeout, counted from the previous start: at most 2N + 4 starts in N timeouts.
	 */
	@Test
	void underTheDefaultPolicyAWardThatFailsAtOnceIsPacedAndSubscribingReturns() {
		Ward<Integer> failing = stopsSpinningAfter(1_000, pulseInterval -> recorder.track(Flux.error(new IllegalStateException("down"))));
		assertPacedByTheDefaultPolicy(failing);
	}

	@Test
	void underTheDefaultPolicyAWardThatCompletesAtOnceIsPacedAndSubscribingReturns() {
		Ward<Integer> finite = stopsSpinningAfter(1_000, emitting(Flux.just(1)));
		assertPacedByTheDefaultPolicy(finite);
	}

	private void assertPacedByTheDefaultPolicy(Ward<Integer> ward) {
		StepVerifier.withVirtualTime(() -> Steward.of(config("flaky", Duration.ofSeconds(1)), ward).start(Duration.ofHours(1))
						.ignoreElements(), () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.then(() -> assertThat(recorder.starts).as("starts when subscribe() returned").containsExactly(0L))
				.thenAwait(Duration.ofSeconds(10))
				.thenCancel()
				.verify(VERIFY);
		List<Long> starts = new ArrayList<>(recorder.starts);
		// Jitter places each delay between half and one and a half of its step, within [T/10, T].
		assertThat(starts).hasSizeBetween(12, 2 * 10 + 4);
		for (int i = 1; i < starts.size(); i++) {
			assertThat(starts.get(i) - starts.get(i - 1)).as("time between starts %d and %d", i, i + 1)
					.isBetween(100L, 1_000L);
		}
		assertThat(scheduler.liveTimers()).isZero();
	}

	/** The old spinning would never let subscribe() return; past {@code starts} starts the ward hangs, to end it. */
	private <T> Ward<T> stopsSpinningAfter(int starts, Ward<T> ward) {
		AtomicInteger count = new AtomicInteger();
		return pulseInterval -> count.incrementAndGet() < starts ? ward.start(pulseInterval) : recorder.track(Flux.never());
	}

	@Test
	void immediateRestartsRunOnTheStewardsSchedulerNotInsideTheFailure() throws InterruptedException {
		Scheduler single = Schedulers.newSingle("steward-immediate");
		try {
			List<Thread> threads = new CopyOnWriteArrayList<>();
			CountDownLatch thousandStarts = new CountDownLatch(1);
			AtomicInteger starts = new AtomicInteger();
			Ward<Integer> failing = pulseInterval -> Flux.defer(() -> {
				threads.add(Thread.currentThread());
				if (starts.incrementAndGet() >= 1_000) {
					thousandStarts.countDown();
					return Flux.never();
				}
				return Flux.error(new IllegalStateException("down"));
			});
			StewardConfig config = StewardConfig.of("spinner", Duration.ofHours(1)).withScheduler(single)
					.withRestartPolicy(RestartPolicy.immediate());
			Disposable running = Steward.of(config, failing).start(Duration.ofHours(1)).subscribe();
			assertThat(thousandStarts.await(30, TimeUnit.SECONDS)).isTrue();
			running.dispose();
			assertThat(threads.get(0)).as("the first start, in subscribe()").isSameAs(Thread.currentThread());
			assertThat(threads.subList(1, threads.size())).as("every restart").allMatch(t -> t != Thread.currentThread());
		}
		finally {
			single.dispose();
		}
	}

	/** Steward's promise: the timeout runs only while the consumer is waiting. */
	@Test
	void aSilentWardIsNotRestartedWhileItsConsumerAsksForNothing() {
		Ward<Integer> oneThenSilent = pulseInterval -> recorder.track(Flux.just(Beat.value(1)).concatWith(Flux.never()));
		StepVerifier.withVirtualTime(() -> Steward.of(config("busy", Duration.ofSeconds(2)), oneThenSilent)
						.start(Duration.ofHours(1)).transform(Heartbeat.values()), () -> clock, 1)
				.expectNext(1)
				// The consumer is busy with its value for 10 s: the ward's silence does not count.
				.expectNoEvent(Duration.ofSeconds(10))
				.then(() -> assertThat(recorder.starts).containsExactly(0L))
				// Now it waits, and the ward stays silent: restarted after one timeout, its value again.
				.thenRequest(1)
				.expectNoEvent(Duration.ofMillis(1_999))
				.thenAwait(Duration.ofMillis(1))
				.expectNext(1)
				.thenCancel()
				.verify(VERIFY);
		assertThat(recorder.starts).containsExactly(0L, 12_000L);
		assertThat(recorder.live).hasValue(0);
	}

	@Test
	void aRestartComesTheBackoffAfterThePreviousStartNotAfterTheEnd() {
		RestartPolicy policy = RestartPolicy.backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).withJitter(0);
		AtomicInteger runs = new AtomicInteger();
		// The first ward fails after 300 ms, the second after 2 s, the third runs on.
		Ward<Integer> ward = pulseInterval -> recorder.track(Flux.defer(() -> switch (runs.incrementAndGet()) {
			case 1 -> Mono.delay(Duration.ofMillis(300), scheduler).then(Mono.<Beat<Integer>>error(new IllegalStateException("early"))).flux();
			case 2 -> Mono.delay(Duration.ofSeconds(2), scheduler).then(Mono.<Beat<Integer>>error(new IllegalStateException("late"))).flux();
			default -> Flux.<Beat<Integer>>never();
		}));
		StepVerifier.withVirtualTime(() -> Steward.of(config("spaced", Duration.ofHours(1)).withRestartPolicy(policy), ward)
						.start(Duration.ofHours(1)), () -> clock, Long.MAX_VALUE)
				.expectSubscription()
				.thenAwait(Duration.ofSeconds(5))
				.thenCancel()
				.verify(VERIFY);
		// 700 ms after the first failure, 1 s after the first start; at once after the second, which ran 2 s.
		assertThat(recorder.starts).containsExactly(0L, 1_000L, 3_000L);
	}

	@Test
	void aStewardCancelledWhileItsWardFailsStaysQuiet() {
		TestPublisher<Beat<Integer>> ward = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
		List<Throwable> dropped = new CopyOnWriteArrayList<>();
		Hooks.onErrorDropped(dropped::add);
		try {
			Disposable running = Steward.of(config("cancelled", Duration.ofSeconds(1)), pulseInterval -> ward.flux())
					.start(Duration.ofHours(1)).subscribe();
			ward.assertSubscribers(1);
			running.dispose();
			// The ward had not seen the cancel yet: it fails as it stops.
			ward.error(new IllegalStateException("failing as it is cancelled"));
		}
		finally {
			Hooks.resetOnErrorDropped();
		}
		assertThat(dropped).isEmpty();
		assertThat(scheduler.liveTimers()).isZero();
	}

	/** About two hundred restarts in three minutes: a warning a minute, the rest at debug level; metrics count them all. */
	@Test
	void aWardFailingAtOnceWarnsOnceAMinuteNotOnEveryRestart() {
		TestLogger log = new TestLogger(false);
		Loggers.useCustomLoggers(name -> log);
		try {
			Ward<Integer> failing = stopsSpinningAfter(1_000, pulseInterval -> recorder.track(Flux.error(new IllegalStateException("down"))));
			StepVerifier.withVirtualTime(() -> Steward.of(config("noisy", Duration.ofSeconds(1)), failing).start(Duration.ofHours(1)),
							() -> clock, Long.MAX_VALUE)
					.expectSubscription()
					.thenAwait(Duration.ofMinutes(3))
					.thenCancel()
					.verify(VERIFY);
		}
		finally {
			Loggers.resetLoggerFactory();
		}
		assertThat(recorder.restarts).hasSizeGreaterThanOrEqualTo(170);
		long warnings = log.getErrContent().lines().filter(line -> line.contains(" WARN")).count();
		assertThat(warnings).as(log.getErrContent()).isBetween(1L, 4L);
	}

	@Test
	void aHundredThousandRestartsLeaveOneWardAndNoExtraTimers() {
		java.util.logging.Logger log = java.util.logging.Logger.getLogger(Steward.class.getName());
		Level level = log.getLevel();
		log.setLevel(Level.SEVERE);
		try {
			Steward<Object> steward = Steward.of(config("irresponsible", Duration.ofSeconds(1)), irresponsible());
			int[] timersAfterFirstStart = new int[1];
			StepVerifier.withVirtualTime(() -> steward.start(Duration.ofHours(1)).transform(Heartbeat.values()),
							() -> clock, Long.MAX_VALUE)
					.expectSubscription()
					.then(() -> timersAfterFirstStart[0] = scheduler.liveTimers())
					.thenAwait(Duration.ofSeconds(100_000))
					.then(() -> {
						assertThat(recorder.starts).hasSize(100_001);
						assertThat(recorder.live).hasValue(1);
						assertThat(scheduler.liveTimers()).isEqualTo(timersAfterFirstStart[0]).isEqualTo(2);
					})
					.thenCancel()
					.verify(VERIFY);
			assertThat(recorder.live).hasValue(0);
			assertThat(scheduler.liveTimers()).isZero();
		}
		finally {
			log.setLevel(level);
		}
	}

	@Test
	void restartsAreLoggedAsWarningsUnlessTheConfigurationSaysNot() {
		StewardConfig config = StewardConfig.of("w", Duration.ofSeconds(1));

		assertThat(config.warnOnRestart()).isTrue();
		assertThat(new StewardConfig("w", Duration.ofSeconds(1), RestartPolicy.immediate(), scheduler, recorder)
				.warnOnRestart()).isTrue();
		StewardConfig quiet = config.withWarnOnRestart(false);
		assertThat(quiet.warnOnRestart()).isFalse();
		assertThat(quiet.withScheduler(scheduler).withMetrics(recorder).withRestartPolicy(RestartPolicy.immediate())
				.withRandom(new Random(1)).warnOnRestart()).as("kept by the other withers").isFalse();
		assertThat(config.withRandom(new Random(1)).withWarnOnRestart(false).random())
				.as("random kept by withWarnOnRestart").isInstanceOf(Random.class);
	}

	/** Restarts, the once-a-minute warning and giving up all go to debug level when the configuration says so. */
	@Test
	void aStewardThatDoesNotWarnOnRestartLogsEverythingAtDebugLevel() {
		TestLogger log = new TestLogger(false);
		Loggers.useCustomLoggers(name -> log);
		try {
			RestartPolicy policy = RestartPolicy.defaults(Duration.ofSeconds(1)).withLimit(50, Duration.ofHours(1));
			Ward<Integer> failing = pulseInterval -> recorder.track(Flux.error(new IllegalStateException("down")));
			StepVerifier.withVirtualTime(() -> Steward.of(config("quiet", Duration.ofSeconds(1)).withRestartPolicy(policy)
									.withWarnOnRestart(false), failing).start(Duration.ofHours(1)),
							() -> clock, Long.MAX_VALUE)
					.expectSubscription()
					.thenAwait(Duration.ofMinutes(3))
					.expectError(StewardGaveUpException.class)
					.verify(VERIFY);
		}
		finally {
			Loggers.resetLoggerFactory();
		}
		assertThat(recorder.restarts).hasSize(50);
		String logged = log.getErrContent() + log.getOutContent();
		assertThat(logged.lines().filter(line -> line.contains(" WARN"))).as(logged).isEmpty();
		assertThat(logged.lines().filter(line -> line.contains("DEBUG") && line.contains("restarting"))).hasSize(50);
		assertThat(logged).contains("steward gave up on ward 'quiet' after 50 restarts");
	}
}
