package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class FailureWindowTest {

	private static final long MS = 1_000_000;

	@Test
	void aThresholdBelowOneIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new FailureWindow(0, Duration.ofSeconds(1)))
				.withMessageContaining("threshold");
	}

	@Test
	void aThresholdOfOneTripsOnTheFirstFailure() {
		FailureWindow window = new FailureWindow(1, Duration.ofSeconds(1));

		assertThat(window.record(5 * MS)).isTrue();
	}

	@Test
	void tripsWhenTheThresholdsFailuresFallWithinTheWindow() {
		FailureWindow window = new FailureWindow(3, Duration.ofMillis(1000));

		assertThat(window.record(0)).isFalse();
		assertThat(window.record(400 * MS)).isFalse();
		assertThat(window.record(1000 * MS)).as("the first exactly one window before the third").isTrue();
	}

	@Test
	void failuresSpreadWiderThanTheWindowNeverTrip() {
		FailureWindow window = new FailureWindow(3, Duration.ofMillis(1000));

		for (long t = 0; t < 100_000; t += 501) {
			assertThat(window.record(t * MS)).as("at %d ms", t).isFalse();
		}
	}

	@Test
	void onlyTheLastThresholdFailuresCount() {
		FailureWindow window = new FailureWindow(3, Duration.ofMillis(1000));

		assertThat(window.record(0)).isFalse();
		assertThat(window.record(2000 * MS)).isFalse();
		assertThat(window.record(2500 * MS)).isFalse();
		// The first has left the window; the last three are 2000, 2500 and 2900.
		assertThat(window.record(2900 * MS)).isTrue();
		assertThat(window.record(3100 * MS)).as("2500, 2900, 3100").isTrue();
		assertThat(window.record(4000 * MS)).as("2900, 3100, 4000").isFalse();
	}

	@Test
	void clearForgetsEveryFailure() {
		FailureWindow window = new FailureWindow(2, Duration.ofMillis(1000));
		assertThat(window.record(0)).isFalse();

		window.clear();

		assertThat(window.record(10 * MS)).as("one failure since the clear").isFalse();
		assertThat(window.record(20 * MS)).isTrue();
	}
}
