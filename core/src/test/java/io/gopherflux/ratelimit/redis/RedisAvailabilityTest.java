package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.gopherflux.ratelimit.redis.RedisAvailability.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.publisher.PublisherProbe;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The availability state machine alone, in virtual time: a scripted probe, a recording listener. */
class RedisAvailabilityTest {

	private static final Duration WINDOW = Duration.ofSeconds(10);
	private static final Duration RETRY = Duration.ofSeconds(1);
	private static final Duration PROBE_TIMEOUT = Duration.ofMillis(250);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
	private final List<String> told = new CopyOnWriteArrayList<>();
	private final AtomicInteger probes = new AtomicInteger();
	/** What the next probes answer, in order; an empty queue answers at once. */
	private final Queue<Supplier<Mono<?>>> answers = new ArrayDeque<>();

	private final RedisAvailability.Listener listener = new RedisAvailability.Listener() {
		@Override
		public void unavailable(Throwable cause) {
			told.add("unavailable at " + time.now(java.util.concurrent.TimeUnit.MILLISECONDS) + " ms: " + cause.getMessage());
		}

		@Override
		public void available(long downMillis) {
			told.add("available after " + downMillis + " ms");
		}
	};

	@AfterEach
	void disposeTime() {
		time.dispose();
	}

	private RedisAvailability availability(int threshold) {
		return new RedisAvailability(threshold, WINDOW, RETRY, PROBE_TIMEOUT, time, () -> {
			probes.incrementAndGet();
			Supplier<Mono<?>> answer = answers.poll();
			return answer != null ? answer.get() : Mono.just("PONG");
		}, listener);
	}

	private static Supplier<Mono<?>> fails(String why) {
		return () -> Mono.error(new IllegalStateException(why));
	}

	private void advance(Duration by) {
		time.advanceTimeBy(by);
	}

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> new RedisAvailability(1, null, RETRY, PROBE_TIMEOUT, time, Mono::empty, listener))
				.withMessage("window");
		assertThatNullPointerException().isThrownBy(() -> new RedisAvailability(1, WINDOW, null, PROBE_TIMEOUT, time, Mono::empty, listener))
				.withMessage("retryInterval");
		assertThatNullPointerException().isThrownBy(() -> new RedisAvailability(1, WINDOW, RETRY, null, time, Mono::empty, listener))
				.withMessage("probeTimeout");
		assertThatNullPointerException().isThrownBy(() -> new RedisAvailability(1, WINDOW, RETRY, PROBE_TIMEOUT, null, Mono::empty, listener))
				.withMessage("scheduler");
		assertThatNullPointerException().isThrownBy(() -> new RedisAvailability(1, WINDOW, RETRY, PROBE_TIMEOUT, time, null, listener))
				.withMessage("probe");
		assertThatNullPointerException().isThrownBy(() -> new RedisAvailability(1, WINDOW, RETRY, PROBE_TIMEOUT, time, Mono::empty, null))
				.withMessage("listener");
		assertThatIllegalArgumentException().isThrownBy(() -> availability(0)).withMessageContaining("threshold");
	}

	@Test
	void startsAvailableAndNeverProbesWhileAvailable() {
		RedisAvailability availability = availability(3);

		advance(Duration.ofMinutes(5));

		assertThat(availability.available()).isTrue();
		assertThat(availability.state()).isEqualTo(State.AVAILABLE);
		assertThat(availability.generation()).isZero();
		assertThat(probes).hasValue(0);
		assertThat(told).isEmpty();
	}

	@Test
	void failuresBelowTheThresholdLeaveItAvailable() {
		RedisAvailability availability = availability(3);

		availability.failed(new IllegalStateException("one"), 0);
		advance(Duration.ofSeconds(1));
		availability.failed(new IllegalStateException("two"), 0);

		assertThat(availability.available()).isTrue();
		assertThat(availability.lastFailure()).hasMessage("two");
		assertThat(told).isEmpty();
	}

	@Test
	void theThresholdsFailuresWithinTheWindowMakeItUnavailableOnceAndStartProbing() {
		RedisAvailability availability = availability(3);

		availability.failed(new IllegalStateException("one"), 0);
		advance(Duration.ofSeconds(5));
		availability.failed(new IllegalStateException("two"), 0);
		advance(Duration.ofSeconds(5));
		availability.failed(new IllegalStateException("three"), 0);
		availability.failed(new IllegalStateException("four"), 0);

		assertThat(availability.available()).isFalse();
		assertThat(told).containsExactly("unavailable at 10000 ms: three");
		assertThat(probes).as("the first probe waits one retry interval").hasValue(0);
		advance(RETRY);
		assertThat(probes).hasValue(1);
		assertThat(told).containsExactly("unavailable at 10000 ms: three", "available after 1000 ms");
	}

	@Test
	void failuresSpreadWiderThanTheWindowNeverMakeItUnavailable() {
		RedisAvailability availability = availability(3);

		for (int i = 0; i < 100; i++) {
			availability.failed(new IllegalStateException("failure " + i), 0);
			advance(WINDOW.dividedBy(2).plusMillis(1));
		}

		assertThat(availability.available()).isTrue();
		assertThat(told).isEmpty();
	}

	@Test
	void aThresholdOfOneMakesItUnavailableOnTheFirstFailure() {
		RedisAvailability availability = availability(1);

		availability.failed(new IllegalStateException("down"), 0);

		assertThat(availability.available()).isFalse();
		assertThat(told).containsExactly("unavailable at 0 ms: down");
	}

	@Test
	void aFailingProbeKeepsItUnavailableAndTheNextProbeFollowsOneIntervalLater() {
		RedisAvailability availability = availability(1);
		answers.add(fails("still down"));
		answers.add(fails("still down again"));

		availability.failed(new IllegalStateException("down"), 0);
		advance(RETRY);
		assertThat(probes).hasValue(1);
		assertThat(availability.available()).isFalse();
		assertThat(availability.lastFailure()).hasMessage("still down");
		advance(RETRY.minusMillis(1));
		assertThat(probes).hasValue(1);
		advance(Duration.ofMillis(1));
		assertThat(probes).hasValue(2);
		assertThat(availability.available()).isFalse();
		advance(RETRY);

		assertThat(probes).hasValue(3);
		assertThat(availability.available()).isTrue();
		assertThat(told).containsExactly("unavailable at 0 ms: down", "available after 3000 ms");
	}

	@Test
	void aProbeWithoutAnswerTimesOutAndCountsAsFailed() {
		RedisAvailability availability = availability(1);
		PublisherProbe<Object> hanging = PublisherProbe.of(Mono.never());
		answers.add(hanging::mono);

		availability.failed(new IllegalStateException("down"), 0);
		advance(RETRY.plus(PROBE_TIMEOUT).minusMillis(1));
		assertThat(availability.lastFailure()).hasMessage("down");
		advance(Duration.ofMillis(1));

		assertThat(hanging.wasCancelled()).as("the probe's own Mono is let go").isTrue();
		assertThat(availability.lastFailure()).isInstanceOf(java.util.concurrent.TimeoutException.class);
		assertThat(availability.available()).isFalse();
		advance(RETRY);
		assertThat(availability.available()).isTrue();
	}

	@Test
	void recoveryStartsANewGenerationAndForgetsTheFailures() {
		RedisAvailability availability = availability(2);
		availability.failed(new IllegalStateException("one"), 0);
		availability.failed(new IllegalStateException("two"), 0);
		advance(RETRY);
		assertThat(availability.available()).isTrue();
		assertThat(availability.generation()).isEqualTo(1);

		availability.failed(new IllegalStateException("three"), 1);

		assertThat(availability.available()).as("one failure since the recovery, not three").isTrue();
		availability.failed(new IllegalStateException("four"), 1);
		assertThat(availability.available()).isFalse();
	}

	@Test
	void failuresOfCallsMadeBeforeARecoveryAreIgnored() {
		RedisAvailability availability = availability(1);
		availability.failed(new IllegalStateException("down"), 0);
		advance(RETRY);
		assertThat(availability.available()).isTrue();

		availability.failed(new IllegalStateException("a call made while it was down"), 0);

		assertThat(availability.available()).isTrue();
		assertThat(told).hasSize(2);
	}

	@Test
	void failuresWhileUnavailableAreOnlyRemembered() {
		RedisAvailability availability = availability(1);
		answers.add(fails("still down"));
		availability.failed(new IllegalStateException("down"), 0);

		availability.failed(new IllegalStateException("again"), 0);
		availability.failed(new IllegalStateException("and again"), 0);

		assertThat(availability.lastFailure()).hasMessage("and again");
		assertThat(told).containsExactly("unavailable at 0 ms: down");
		advance(RETRY);
		assertThat(probes).as("one probe per interval, however many failures").hasValue(1);
	}

	@Test
	void closeStopsProbingAndNothingChangesAfterwards() {
		RedisAvailability availability = availability(1);
		PublisherProbe<Object> probe = PublisherProbe.empty();
		answers.add(probe::mono);
		availability.failed(new IllegalStateException("down"), 0);

		availability.close();
		advance(Duration.ofMinutes(1));
		availability.failed(new IllegalStateException("after close"), 0);

		assertThat(probe.wasSubscribed()).isFalse();
		assertThat(probes).hasValue(0);
		assertThat(availability.state()).isEqualTo(State.CLOSED);
		assertThat(availability.closed()).isTrue();
		assertThat(availability.available()).isFalse();
		assertThat(told).containsExactly("unavailable at 0 ms: down");
	}

	@Test
	void aProbeAnsweringAfterCloseChangesNothing() {
		RedisAvailability availability = availability(1);
		reactor.core.publisher.Sinks.One<String> answer = reactor.core.publisher.Sinks.one();
		answers.add(answer::asMono);
		availability.failed(new IllegalStateException("down"), 0);
		advance(RETRY);
		assertThat(probes).hasValue(1);

		availability.close();
		answer.tryEmitValue("PONG");

		assertThat(availability.state()).isEqualTo(State.CLOSED);
		assertThat(told).containsExactly("unavailable at 0 ms: down");
	}
}
