package io.gopherflux.server.internal.endpoints;

import java.nio.charset.StandardCharsets;

import io.gopherflux.server.internal.http.FluxWriteBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

class StreamShutdownTest {

	/** A stream's batches as the server builds them, each element its name and a ';'. */
	static Flux<String> batches(StreamShutdown shutdown, Flux<Object> elements) {
		return new FluxWriteBatches<>(elements, (item, out) -> out.writeCharSequence(item + ";", StandardCharsets.US_ASCII),
				UnpooledByteBufAllocator.DEFAULT, 8, null, shutdown.cut(), null)
				.map(StreamShutdownTest::textAndRelease);
	}

	static String textAndRelease(ByteBuf batch) {
		try {
			return batch.toString(StandardCharsets.US_ASCII);
		}
		finally {
			batch.release();
		}
	}

	@Test
	void theEndCancelsAnOpenStreamAndEndsItWithTheShutdownEvent() {
		StreamShutdown shutdown = new StreamShutdown();
		TestPublisher<Object> elements = TestPublisher.create();

		StepVerifier.create(batches(shutdown, elements.flux()))
				.then(() -> elements.next("a"))
				.expectNext("a;")
				.then(shutdown::end)
				.expectNext("shutdown;")
				.verifyComplete();
		elements.assertCancelled();
	}

	@Test
	void aStreamStartedAfterTheEndSendsOnlyTheShutdownEvent() {
		StreamShutdown shutdown = new StreamShutdown();
		shutdown.end();
		TestPublisher<Object> elements = TestPublisher.create();

		StepVerifier.create(batches(shutdown, elements.flux()))
				.expectNext("shutdown;")
				.verifyComplete();
		elements.assertWasNotRequested();
	}
}
