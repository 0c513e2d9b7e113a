package io.gopherflux.ratelimit;

import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * The Reactive Streams TCK against the batching variant (three elements per permit). Every
 * required and optional rule runs; the TCK reports its {@code untested_*} rules as skipped
 * because it has no test for them.
 */
public class FluxRateLimitBatchesTckTest extends PublisherTck<Integer> {

	public FluxRateLimitBatchesTckTest() {
		super(PublisherTck.environment(500, 500));
	}

	@Override
	public Publisher<Integer> createPublisher(long elements) {
		return Flux.range(0, (int) Math.min(elements, Integer.MAX_VALUE))
				.transform(RateLimit.batches(TokenBucket.of(Limit.of(10_000), 10), 3));
	}

	@Override
	public Publisher<Integer> createFailedPublisher() {
		return Flux.<Integer>error(new IllegalStateException("failed on purpose"))
				.transform(RateLimit.batches(TokenBucket.of(Limit.of(10_000), 10), 3));
	}

	@Override
	public long maxElementsFromPublisher() {
		return Integer.MAX_VALUE;
	}
}
