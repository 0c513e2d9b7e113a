package io.gopherflux.samples.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.gopherflux.samples.SampleOutput;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class ChunkedWritesSampleTest {

	@Test
	void writesTheSameBytesOncePerByteAndOncePerChunk() {
		String output = SampleOutput.onRealTime(new ChunkedWritesSample());
		assertThat(output).matches(String.join("\\R",
				"unbuffered: 100000 writes of 1 byte in \\d+ ms",
				"chunked:        25 writes of up to 4096 bytes in \\d+ ms",
				"same 100000 bytes in both files: true",
				""));
	}

	@Test
	void aChunkLeavesWhenFull() {
		StepVerifier.withVirtualTime(() -> Flux.range(0, 10_000).map(i -> (byte) i.intValue())
						.transform(ChunkedWritesSample.chunks(Schedulers.parallel()))
						.map(List::size))
				.expectNext(4096, 4096, 1808)
				.verifyComplete();
	}

	@Test
	void aChunkLeavesAtMostMaxWaitAfterItsFirstByte() {
		// A trickle: a byte every 300 ms; the one-second bound releases partial chunks.
		StepVerifier.withVirtualTime(() -> Flux.interval(Duration.ofMillis(300)).take(7).map(i -> (byte) i.intValue())
						.transform(ChunkedWritesSample.chunks(Schedulers.parallel()))
						.map(List::size))
				.thenAwait(Duration.ofMillis(1_300))
				.expectNext(4)
				.thenAwait(Duration.ofSeconds(1))
				.expectNext(3)
				.verifyComplete();
	}

	@Test
	void aTimedChunkWaitsForDemandInsteadOfFailing() {
		// One chunk requested; the second one's time runs out while nobody asks for it.
		StepVerifier.withVirtualTime(() -> Flux.range(0, 6).delayElements(Duration.ofMillis(300)).map(i -> (byte) i.intValue())
						.transform(ChunkedWritesSample.chunks(Schedulers.parallel())).map(List::size), 1)
				.thenAwait(Duration.ofMillis(1_300))
				.expectNext(4)
				.thenAwait(Duration.ofSeconds(5))
				.thenRequest(1)
				.expectNext(2)
				.verifyComplete();
	}
}
