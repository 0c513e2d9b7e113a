package io.gopherflux.samples.steward;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.gopherflux.samples.SampleOutput;
import org.junit.jupiter.api.Test;

class IrresponsibleWardSampleTest {

	@Test
	void restartsTheWardAtFourAndEightSecondsAndHaltsItAtNine() {
		assertThat(SampleOutput.inVirtualTime(new IrresponsibleWardSample(), Duration.ofSeconds(9))).isEqualTo("""
				00:00:00 ward: Hello, I'm irresponsible!
				00:00:04 ward: I am halting.
				00:00:04 steward: ward unhealthy; restarting
				00:00:04 ward: Hello, I'm irresponsible!
				00:00:08 ward: I am halting.
				00:00:08 steward: ward unhealthy; restarting
				00:00:08 ward: Hello, I'm irresponsible!
				00:00:09 main: halting steward and ward.
				00:00:09 ward: I am halting.
				00:00:09 Done
				""");
	}
}
