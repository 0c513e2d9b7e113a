package io.gopherflux.ratelimit;

import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;

/**
 * The Reactive Streams TCK against {@link RateLimiter#acquire()}: a publisher of no element that
 * completes when its permit is granted, on the real clock and timers (10 000/s, burst 10, so some
 * permits wait on a timer). The rules that need at least one element are skipped by the TCK
 * itself ({@link #maxElementsFromPublisher()} is 0); those about subscribing, completing, failing,
 * cancelling and {@code request(n <= 0)} (rule 3.9) run.
 */
public class MonoAcquireTckTest extends PublisherTck<Void> {

	public MonoAcquireTckTest() {
		super(PublisherTck.environment(500, 500));
	}

	@Override
	public Publisher<Void> createPublisher(long elements) {
		return TokenBucket.of(Limit.of(10_000), 10).acquire();
	}

	@Override
	public Publisher<Void> createFailedPublisher() {
		// More permits than the burst: fails at once, without asking the limiter.
		return TokenBucket.of(Limit.of(10_000), 10).acquire(11);
	}

	@Override
	public long maxElementsFromPublisher() {
		return 0;
	}
}
