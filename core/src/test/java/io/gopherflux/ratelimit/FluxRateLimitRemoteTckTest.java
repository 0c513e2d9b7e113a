package io.gopherflux.ratelimit;

import java.time.Duration;

import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The Reactive Streams TCK against the rate-limited Flux over a limiter that is not local, as a
 * Redis one is: no synchronous fast path, every permit an {@code acquire} (one {@code reserve}),
 * on the real clock and timers (10 000/s, burst 10, so some permits wait on a timer). Every
 * required and optional rule runs; the TCK reports its {@code untested_*} rules as skipped
 * because it has no test for them.
 */
public class FluxRateLimitRemoteTckTest extends PublisherTck<Integer> {

	public FluxRateLimitRemoteTckTest() {
		super(PublisherTck.environment(500, 500));
	}

	/** Decides with a bucket, but only through the asynchronous {@link RateLimiter#reserve(int, Duration)}. */
	static RateLimiter remote() {
		TokenBucket bucket = TokenBucket.of(Limit.of(10_000), 10);
		return new RateLimiter() {
			@Override
			public String name() {
				return "remote";
			}

			@Override
			public Limit limit() {
				return bucket.limit();
			}

			@Override
			public int burst() {
				return bucket.burst();
			}

			@Override
			public Scheduler scheduler() {
				return bucket.scheduler();
			}

			@Override
			public Mono<Reservation> reserve(int permits, Duration maxWait) {
				return bucket.reserve(permits, maxWait);
			}
		};
	}

	@Override
	public Publisher<Integer> createPublisher(long elements) {
		return Flux.range(0, (int) Math.min(elements, Integer.MAX_VALUE)).transform(RateLimit.elements(remote()));
	}

	@Override
	public Publisher<Integer> createFailedPublisher() {
		return Flux.<Integer>error(new IllegalStateException("failed on purpose")).transform(RateLimit.elements(remote()));
	}

	@Override
	public long maxElementsFromPublisher() {
		return Integer.MAX_VALUE;
	}
}
