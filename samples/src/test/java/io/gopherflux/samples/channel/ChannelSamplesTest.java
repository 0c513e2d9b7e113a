package io.gopherflux.samples.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.gopherflux.samples.SampleOutput;
import org.junit.jupiter.api.Test;

class ChannelSamplesTest {

	@Test
	void confinement() {
		assertThat(SampleOutput.inVirtualTime(new ConfinementSample(), Duration.ZERO)).isEqualTo("""
				received 0
				received 1
				received 2
				received 3
				received 4
				received 5
				nothing more to receive
				""");
	}

	@Test
	void forSelect() {
		assertThat(SampleOutput.inVirtualTime(new ForSelectSample(), Duration.ofSeconds(4))).isEqualTo("""
				sent a
				sent b
				sent c
				did unit of work 1
				did unit of work 2
				did unit of work 3
				done fired after 3500 ms: loop stopped
				""");
	}

	@Test
	void preventingLeaks() {
		assertThat(SampleOutput.inVirtualTime(new PreventingLeaksSample(), Duration.ofSeconds(1))).isEqualTo("""
				parent: cancelling the worker
				worker: exited
				parent: worker gone, moving on
				reader: got 130
				reader: got 763
				reader: got 248
				producer: stopped, nothing left running
				""");
	}

	@Test
	void orChannel() {
		assertThat(SampleOutput.inVirtualTime(new OrChannelSample(), Duration.ofHours(3)))
				.isEqualTo("done after 1000 ms\n");
	}

	@Test
	void errorHandling() {
		assertThat(SampleOutput.inVirtualTime(new ErrorHandlingSample(), Duration.ZERO)).isEqualTo("""
				response: 200 OK
				error: lookup badhost: no such host
				response: 200 OK
				error: lookup a: no such host
				error: lookup b: no such host
				too many errors, stopping
				""");
	}

	@Test
	void pipeline() {
		assertThat(SampleOutput.inVirtualTime(new PipelineSample(), Duration.ZERO)).isEqualTo("6\n10\n14\n18\n");
	}

	@Test
	void generators() {
		assertThat(SampleOutput.inVirtualTime(new GeneratorsSample(), Duration.ZERO)).isEqualTo("""
				1 1 1 1 1 1 1 1 1 1
				36 64 85 44 80 54 68 49 50 34
				I am. I am. I
				""");
	}

	@Test
	void orDone() {
		assertThat(SampleOutput.inVirtualTime(new OrDoneSample(), Duration.ofSeconds(2))).isEqualTo("""
				value 0
				value 1
				value 2
				stream cancelled
				done fired: loop ended
				""");
	}

	@Test
	void tee() {
		assertThat(SampleOutput.inVirtualTime(new TeeSample(), Duration.ZERO)).isEqualTo("""
				out1: 1, out2: 1
				out1: 2, out2: 2
				out1: 1, out2: 1
				out1: 2, out2: 2
				""");
	}

	@Test
	void bridge() {
		assertThat(SampleOutput.inVirtualTime(new BridgeSample(), Duration.ZERO)).isEqualTo("0 1 2 3 4 5 6 7 8 9\n");
	}
}
