package io.gopherflux.samples.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.gopherflux.samples.SampleOutput;

class QueuePlacementSampleTest {

	@Test
	void printsTheExactTimelineInVirtualTime() {
		String output = SampleOutput.inVirtualTime(new QueuePlacementSample(), Duration.ofMinutes(1));
		assertThat(output).isEqualTo(String.join(System.lineSeparator(),
				"queue in the middle (3 elements, short stage 1s, long stage 4s):",
				// the queue frees the short stage six seconds sooner; the pipeline is no faster
				"  no queue:   short stage done at 9.00s, pipeline done at 13.00s",
				"  queue of 2: short stage done at 3.00s, pipeline done at 13.00s",
				"queue at the entrance (10 requests every 100ms, one worker taking 250ms, a refused client retries after 100ms):",
				// refusals feed retries back in, and the worker idles between them
				"  no queue: 100 attempts, 90 refused, all served at 3.05s, longest wait 1.80s",
				// nobody is refused, the worker never idles, and the cost is visible as lag
				"  entrance queue of 10: 10 attempts, 0 refused, all served at 2.60s, longest wait 1.35s",
				"  Little's law in the queue: L sampled 2.61, lambda 3.85/s x W 0.675s = 2.60",
				""));
	}
}
