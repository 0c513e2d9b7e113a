package io.gopherflux.samples.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.gopherflux.samples.SampleOutput;
import org.junit.jupiter.api.Test;

class PerUnitHeartbeatSampleTest {

	@Test
	void printsOnePulseBeforeEveryResult() {
		assertThat(SampleOutput.inVirtualTime(new PerUnitHeartbeatSample(), Duration.ZERO)).isEqualTo("""
				pulse
				results 5
				pulse
				results 8
				pulse
				results 7
				pulse
				results 3
				pulse
				results 4
				pulse
				results 4
				pulse
				results 4
				pulse
				results 6
				pulse
				results 8
				pulse
				results 8
				""");
	}
}
