package io.gopherflux.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.test.util.RaceTestUtils;

/**
 * The watchdog's timer against the signals that move its clock, on two or three threads at once.
 * The timer is run by hand at its deadline (a {@link ManualScheduler}), so every round is a real
 * race between the timeout and the beat or request that would have prevented it. Whatever wins,
 * the protocol holds, the source is cancelled at most once, and a consumer still waiting always
 * has a timer armed.
 */
class HeartbeatWatchdogRaceTest {

	private static final int ROUNDS = 10_000;
	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private final List<Throwable> dropped = new CopyOnWriteArrayList<>();

	@BeforeEach
	void captureDroppedErrors() {
		Hooks.onErrorDropped(dropped::add);
	}

	@AfterEach
	void resetHooks() {
		Hooks.resetOnErrorDropped();
	}

	private static final class Round {
		final ManualScheduler clock = new ManualScheduler();
		final RaceSource<Beat<Integer>> source = new RaceSource<>();
		final RaceSubscriber<Beat<Integer>> consumer = new RaceSubscriber<>();

		Round() {
			source.transform(Heartbeat.watchdog("race", TIMEOUT, clock)).subscribe(consumer);
		}
	}

	@Test
	void timerAgainstABeatAndARequest() {
		for (int i = 0; i < ROUNDS; i++) {
			Round round = new Round();
			round.consumer.subscription.request(1);
			round.clock.setNanos(TIMEOUT.toNanos());
			Beat<Integer> beat = Beat.value(i);
			RaceTestUtils.race(round.clock::runDue, () -> round.source.emit(beat), () -> round.consumer.subscription.request(1));

			assertThat(round.consumer.violation.get()).as("round %d", i).isNull();
			if (round.consumer.error != null) {
				assertThat(round.consumer.error).isInstanceOf(HeartbeatTimeoutException.class);
				assertThat(round.source.cancels).as("round %d: source cancels", i).hasValue(1);
				assertThat(round.clock.pending()).as("round %d: timers left", i).isZero();
				assertThat(round.consumer.values).hasSizeLessThanOrEqualTo(1);
			}
			else {
				// The beat came in time; the consumer still waits for a second one, so a timer must be armed.
				assertThat(round.consumer.values).as("round %d", i).containsExactly(beat);
				assertThat(round.source.cancels).as("round %d: source cancels", i).hasValue(0);
				assertThat(round.clock.pending()).as("round %d: timers armed", i).isEqualTo(1);
				assertThat(round.source.requested).as("round %d: requested", i).hasValue(2);
			}
		}
		assertThat(dropped).isEmpty();
	}

	@Test
	void timerAgainstCancel() {
		for (int i = 0; i < ROUNDS; i++) {
			Round round = new Round();
			round.consumer.subscription.request(1);
			round.clock.setNanos(TIMEOUT.toNanos());
			RaceTestUtils.race(round.clock::runDue, round.consumer.subscription::cancel);

			assertThat(round.consumer.violation.get()).as("round %d", i).isNull();
			assertThat(round.source.cancels).as("round %d: source cancels", i).hasValue(1);
			assertThat(round.clock.pending()).as("round %d: timers left", i).isZero();
			if (round.consumer.error != null) {
				assertThat(round.consumer.error).isInstanceOf(HeartbeatTimeoutException.class);
			}
			// Cancelled or timed out, the source may still fail as it stops: nothing may complain.
			round.source.fail(new IllegalStateException("stopping"));
			assertThat(round.consumer.violation.get()).as("round %d", i).isNull();
		}
		assertThat(dropped).isEmpty();
	}

	@Test
	void timerFindingNobodyWaitingAgainstANewRequest() {
		for (int i = 0; i < ROUNDS; i++) {
			Round round = new Round();
			round.consumer.subscription.request(1);
			round.source.emit(Beat.pulse());
			round.clock.setNanos(TIMEOUT.toNanos());
			// The timer disarms, finding the consumer satisfied, while the consumer asks again.
			RaceTestUtils.race(round.clock::runDue, () -> round.consumer.subscription.request(1));

			assertThat(round.consumer.violation.get()).as("round %d", i).isNull();
			assertThat(round.consumer.error).as("round %d", i).isNull();
			assertThat(round.clock.pending()).as("round %d: timers armed", i).isEqualTo(1);
			// The armed timer measures from the new request: silent for a whole timeout more, it fires.
			round.clock.setNanos(2 * TIMEOUT.toNanos());
			round.clock.runDue();
			assertThat(round.consumer.error).as("round %d", i).isInstanceOf(HeartbeatTimeoutException.class);
			assertThat(round.source.cancels).hasValue(1);
		}
		assertThat(dropped).isEmpty();
	}
}
