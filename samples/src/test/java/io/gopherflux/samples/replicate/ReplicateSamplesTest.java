package io.gopherflux.samples.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.gopherflux.samples.SampleOutput;
import org.junit.jupiter.api.Test;

class ReplicateSamplesTest {

	@Test
	void firstOfTenHandlersWinsThenHedgedFewerStart() {
		assertThat(SampleOutput.inVirtualTime(new ReplicatedRequestsSample(), Duration.ofSeconds(5))).isEqualTo("""
				-- all 10 at once
				6 took 1s (started at 0s)
				0 would have taken 4s; cancelled after 1s
				1 would have taken 5s; cancelled after 1s
				2 would have taken 2s; cancelled after 1s
				3 would have taken 2s; cancelled after 1s
				4 would have taken 5s; cancelled after 1s
				5 would have taken 2s; cancelled after 1s
				7 would have taken 3s; cancelled after 1s
				8 would have taken 3s; cancelled after 1s
				9 would have taken 1s; cancelled after 1s
				Received an answer from #6 after 1s
				-- hedged: one more handler every 0.7s
				2 took 2s (started at 1.4s)
				0 would have taken 4s; cancelled after 3.4s
				1 would have taken 5s; cancelled after 2.7s
				3 would have taken 2s; cancelled after 1.3s
				4 would have taken 5s; cancelled after 0.6s
				Received an answer from #2 after 3.4s
				""");
	}
}
