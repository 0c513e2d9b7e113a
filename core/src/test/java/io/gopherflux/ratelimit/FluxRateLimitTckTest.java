package io.gopherflux.ratelimit;

import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * The Reactive Streams TCK against the rate-limited Flux, on the real clock and timers: the bucket
 * (100 000/s, burst 100) grants most permits at once and makes some wait on a timer, so both
 * paths are exercised. Every required and optional rule runs and passes; the seven skipped are
 * the TCK's own {@code untested_*} placeholders (rules 1.6-1.10, 3.4, 3.5), for which it has no
 * test at all.
 */
public class FluxRateLimitTckTest extends PublisherTck<Long> {

	public FluxRateLimitTckTest() {
		super(PublisherTck.environment(500, 500));
	}

	@Override
	public Publisher<Long> createPublisher(long elements) {
		RateLimiter limiter = TokenBucket.of(Limit.of(100_000), 100);
		Flux<Long> source = elements == Long.MAX_VALUE
				? Flux.generate(() -> 0L, (i, sink) -> {
					sink.next(i);
					return i + 1;
				})
				: Flux.generate(() -> 0L, (i, sink) -> {
					if (i == elements) {
						sink.complete();
					}
					else {
						sink.next(i);
					}
					return i + 1;
				});
		return source.transform(RateLimit.elements(limiter));
	}

	@Override
	public Publisher<Long> createFailedPublisher() {
		return Flux.<Long>error(new IllegalStateException("failed on purpose"))
				.transform(RateLimit.elements(TokenBucket.of(Limit.of(100_000), 100)));
	}

	@Override
	public long maxElementsFromPublisher() {
		return Long.MAX_VALUE - 1;
	}
}
