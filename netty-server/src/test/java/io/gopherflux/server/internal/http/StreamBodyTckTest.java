package io.gopherflux.server.internal.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;

/**
 * Reactive Streams TCK for {@link StreamBody#publisher()}: a body of one element or none is the
 * whole-body {@code Mono}, longer ones the carried-on stream. Skipped: the TCK's {@code untested_*}
 * rules, and the optional rule 1.11 tests that subscribe twice, because a response body is written
 * once and a second subscriber is refused with an error by design.
 */
public class StreamBodyTckTest extends PublisherVerification<ByteBuf> {

	// The TCK drops the elements it receives, so their buffers must not be tracked as leaks.
	private static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(false, true);

	public StreamBodyTckTest() {
		super(new TestEnvironment(1_000, 100));
	}

	@Override
	public Publisher<ByteBuf> createPublisher(long elements) {
		Flux<ByteBuf> batches = Flux.<ByteBuf, Long>generate(() -> 0L, (i, sink) -> {
			if (i < elements) {
				sink.next(UNTRACKED.heapBuffer(8).writeLong(i));
			}
			else {
				sink.complete();
			}
			return i + 1;
		});
		return StreamBody.of(batches, Context.empty()).publisher();
	}

	@Override
	public Publisher<ByteBuf> createFailedPublisher() {
		return StreamBody.of(Flux.error(new IllegalStateException("failed source")), Context.empty()).publisher();
	}

	@Override
	public void optional_spec111_maySupportMultiSubscribe() {
		notVerified("a response body is written once; a second subscriber gets an error by design");
	}

	@Override
	public void optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingOneByOne() {
		notVerified("a response body is written once; a second subscriber gets an error by design");
	}

	@Override
	public void optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfront() {
		notVerified("a response body is written once; a second subscriber gets an error by design");
	}

	@Override
	public void optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfrontAndCompleteAsExpected() {
		notVerified("a response body is written once; a second subscriber gets an error by design");
	}

	@Override
	public void optional_spec111_registeredSubscribersMustReceiveOnNextOrOnCompleteSignals() {
		notVerified("a response body is written once; a second subscriber gets an error by design");
	}
}
