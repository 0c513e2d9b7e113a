package io.gopherflux.samples.steward;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.gopherflux.samples.SampleOutput;
import org.junit.jupiter.api.Test;

class IntegerWardSampleTest {

	@Test
	void receivesOneTwoOneTwoOneTwo() {
		assertThat(SampleOutput.inVirtualTime(new IntegerWardSample(), Duration.ofMillis(2))).isEqualTo("""
				00:00:00 negative value: -1
				Received: 1
				Received: 2
				00:00:00 steward: ward unhealthy; restarting
				Received: 1
				Received: 2
				00:00:00 negative value: -1
				00:00:00 steward: ward unhealthy; restarting
				Received: 1
				Received: 2
				""");
	}
}
