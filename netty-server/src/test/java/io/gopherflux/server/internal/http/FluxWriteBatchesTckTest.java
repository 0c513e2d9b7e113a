package io.gopherflux.server.internal.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import reactor.core.publisher.Flux;

/**
 * The Reactive Streams TCK against {@link FluxWriteBatches} with one element per batch, so that a
 * publisher of n elements emits n buffers. The TCK never releases what it receives, hence an
 * allocator without leak tracking.
 * <p>
 * Every required and optional rule runs and passes; the TCK reports only its {@code untested_*}
 * rules as skipped, because it has no test for them.
 */
public class FluxWriteBatchesTckTest extends PublisherVerification<ByteBuf> {

	private static final ByteBufAllocator ALLOCATOR = new UnpooledByteBufAllocator(false, true);

	public FluxWriteBatchesTckTest() {
		super(new TestEnvironment(500, 50));
	}

	@Override
	public Publisher<ByteBuf> createPublisher(long elements) {
		return new FluxWriteBatches<>(Flux.range(0, (int) Math.min(elements, Integer.MAX_VALUE)),
				(Integer value, ByteBuf out) -> out.writeInt(value), ALLOCATOR, 1);
	}

	@Override
	public Publisher<ByteBuf> createFailedPublisher() {
		return new FluxWriteBatches<>(Flux.<Integer>error(new IllegalStateException("failed on purpose")),
				(Integer value, ByteBuf out) -> out.writeInt(value), ALLOCATOR, 1);
	}

	@Override
	public long maxElementsFromPublisher() {
		return Integer.MAX_VALUE;
	}
}
