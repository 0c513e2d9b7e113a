package io.gopherflux.samples.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.gopherflux.samples.SampleOutput;
import org.junit.jupiter.api.Test;

class IntervalHeartbeatSampleTest {

	@Test
	void printsTwoPulsesPerResultForTenSeconds() {
		assertThat(SampleOutput.inVirtualTime(new IntervalHeartbeatSample(), Duration.ofSeconds(10))).isEqualTo("""
				pulse
				results 2
				pulse
				pulse
				results 4
				pulse
				pulse
				results 6
				pulse
				pulse
				results 8
				pulse
				pulse
				""");
	}
}
