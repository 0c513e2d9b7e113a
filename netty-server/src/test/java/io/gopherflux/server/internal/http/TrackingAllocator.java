package io.gopherflux.server.internal.http;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unpooled heap buffers, each remembered, so a test can check that every buffer an operator
 * allocated was released by someone: the operator for those it kept, the test for those it got.
 * The buffers are still wrapped by Netty's leak detector, so a missed release is reported twice.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {

	private final Queue<ByteBuf> allocated = new ConcurrentLinkedQueue<>();

	TrackingAllocator() {
		super(false);
	}

	@Override
	protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
		ByteBuf buffer = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
		allocated.add(buffer);
		return buffer;
	}

	@Override
	protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
		// Heap memory is enough to count references; ioBuffer asks for direct ones.
		return newHeapBuffer(initialCapacity, maxCapacity);
	}

	@Override
	public boolean isDirectBufferPooled() {
		return false;
	}

	/** Every buffer handed out so far. */
	List<ByteBuf> allocated() {
		return List.copyOf(allocated);
	}

	/** Asserts that every buffer handed out has been released. */
	void assertAllReleased() {
		assertThat(allocated()).allSatisfy(buffer -> assertThat(buffer.refCnt()).as("refCnt of %s", buffer).isZero());
	}
}
