package io.gopherflux.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import reactor.test.util.RaceTestUtils;

/**
 * A heartbeat's three inputs at once: a result, a pulse trigger and a request from the consumer,
 * each on its own thread. Whatever the order, the result is delivered once, a pulse only against
 * demand, and the results are never asked for more than the consumer asked for.
 */
class HeartbeatRaceTest {

	private static final int ROUNDS = 10_000;

	@Test
	void resultAgainstPulseAgainstRequest() {
		for (int i = 0; i < ROUNDS; i++) {
			RaceSource<Integer> results = new RaceSource<>();
			RaceSource<Long> pulses = new RaceSource<>();
			RaceSubscriber<Beat<Integer>> consumer = new RaceSubscriber<>();
			Heartbeat.pulsing(results, pulses).subscribe(consumer);
			consumer.subscription.request(1);
			assertThat(results.requested).as("round %d", i).hasValue(1);
			int value = i;
			RaceTestUtils.race(() -> results.emit(value), () -> pulses.emit(0L), () -> consumer.subscription.request(1));

			assertThat(consumer.violation.get()).as("round %d", i).isNull();
			assertThat(consumer.values).as("round %d", i).contains(Beat.value(value))
					.hasSizeBetween(1, 2)
					.allMatch(beat -> beat.isPulse() || beat.equals(Beat.value(value)));
			assertThat(results.requested.get()).as("round %d: results requested", i).isBetween(1L, 2L);
			consumer.subscription.cancel();
			assertThat(results.cancels).hasValue(1);
			assertThat(pulses.cancels).hasValue(1);
		}
	}
}
