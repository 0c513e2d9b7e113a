package io.gopherflux.channel;

import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reactive Streams TCK for {@link Or}.
 * <p>
 * {@code Or} is a {@code Mono<Void>}: it never emits a value, so {@link #maxElementsFromPublisher()}
 * is 0 and the TCK skips the rules whose test needs at least one element (1.01-1.02, 1.05 for
 * finite streams of values, 3.02-3.09, 3.17): each of those is reported by the TCK as skipped
 * with "Unable to run this test, as required elements nr: N is higher than supported by given
 * producer: 0". Rule 3.9 is covered by {@code OrTest#aBadRequestIsSignalledAsAnIllegalArgument}.
 * The {@code untested_*} rules are skipped by the TCK itself, which has no test for them.
 */
public class OrTckTest extends PublisherTck<Void> {

	public OrTckTest() {
		super(PublisherTck.environment(100, 1_000));
	}

	@Override
	public Publisher<Void> createPublisher(long elements) {
		// The only stream Or makes is an empty one: it completes when an input fires.
		return Or.of(Flux.never(), Mono.delay(java.time.Duration.ofMillis(1)), Flux.never());
	}

	@Override
	public Publisher<Void> createFailedPublisher() {
		return Or.of(Flux.never(), Mono.error(new IllegalStateException("failed input")));
	}

	@Override
	public long maxElementsFromPublisher() {
		return 0;
	}
}
