package io.gopherflux.ratelimit;

import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;

/**
 * The Reactive Streams TCK against {@link RateLimiter#acquire()}: a publisher of no element that
 * completes when its permit is granted, on the real clock and timers (10 000/s, burst 10, so some
 * permits wait on a timer). The rules that need at least one element are skipped by the TCK
 * itself ({@link #maxElementsFromPublisher()} is 0); those about subscribing, completing, failing,
 * cancelling and {@code request(n <= 0)} (rule 3.9) run.
 */
public class MonoAcquireTckTest extends PublisherVerification<Void> {

	public MonoAcquireTckTest() {
		super(new TestEnvironment(500));
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
