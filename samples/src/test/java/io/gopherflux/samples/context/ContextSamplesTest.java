package io.gopherflux.samples.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.gopherflux.samples.SampleOutput;
import org.junit.jupiter.api.Test;

class ContextSamplesTest {

	@Test
	void contextValues() {
		assertThat(SampleOutput.inVirtualTime(new ContextValuesSample(), Duration.ZERO))
				.isEqualTo("handling response for jane (abc123)\n");
	}

	@Test
	void greetingFailsAtItsOneSecondDeadlineAndFarewellIsCancelled() {
		assertThat(SampleOutput.inVirtualTime(GreetingSample.deadline(), Duration.ofSeconds(1))).isEqualTo("""
				[1000 ms] cannot print greeting: locale lookup: deadline 1970-01-01T00:00:01Z exceeded at 1970-01-01T00:00:01Z
				[1000 ms] cannot print farewell: cancelled
				""");
	}

	@Test
	void lookupFailsFastWhenTheDeadlineIsTooClose() {
		assertThat(SampleOutput.inVirtualTime(GreetingSample.failFast(), Duration.ZERO)).isEqualTo("""
				[0 ms] cannot print greeting: locale lookup: waiting PT1M from 1970-01-01T00:00:00Z would pass the deadline 1970-01-01T00:00:01Z
				[0 ms] cannot print farewell: cancelled
				""");
	}

	@Test
	void preemptibleCalculationStopsAfterTheChunkDuringWhichItWasCancelled() {
		assertThat(SampleOutput.inVirtualTime(new PreemptibleSample(), Duration.ZERO)).isEqualTo("""
				chunk 1 done, summed up to 100000
				chunk 2 done, summed up to 200000
				chunk 3 done, summed up to 300000
				chunk 4 done, summed up to 400000
				chunk 5 done, summed up to 500000
				chunk 6 done, summed up to 600000
				chunk 7 done, summed up to 700000
				chunk 8 done, summed up to 800000
				chunk 9 done, summed up to 900000
				chunk 10 done, summed up to 1000000
				sum of squares of 1..1000000 = 333333833333500000
				chunk 1 done, summed up to 100000
				chunk 2 done, summed up to 200000
				chunk 3 done, summed up to 300000
				caller cancels
				caller cancelled: true
				""");
	}
}
