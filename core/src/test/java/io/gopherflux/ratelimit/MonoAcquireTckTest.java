package io.gopherflux.ratelimit;

import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;

/**
 * The Reactive Streams TCK against {@link RateLimiter#acquire()}: a publisher of no element that
 * completes when its permit is granted, on the real clock and timers (10 000/s, burst 10, so some
 * permits wait on a timer). With {@link #maxElementsFromPublisher()} 0 the rules about
 * subscribing (1.09), completing an empty stream (1.05) and failing (1.04) run; the TCK skips
 * every rule whose test needs an element (as listed in {@code OrTckTest}), among them 3.09 and
 * the cancellation rules, which {@code MonoAcquireTest} covers
 * ({@code aNonPositiveRequestFailsItAndGivesTheTokensBack}, the {@code cancelled*} tests). The
 * {@code untested_*} rules are skipped by the TCK itself.
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
