package io.gopherflux.samples.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.gopherflux.samples.SampleOutput;
import org.junit.jupiter.api.Test;

class UnhealthyWorkerSampleTest {

	@Test
	void noticesTheSilentWorkerTwoSecondsAfterItsLastPulse() {
		assertThat(SampleOutput.inVirtualTime(new UnhealthyWorkerSample(), Duration.ofSeconds(4))).isEqualTo("""
				pulse
				pulse
				worker goroutine is not healthy!
				""");
	}
}
