package io.gopherflux.channel;

import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reactive Streams TCK for {@link Or}.
 * <p>
 * {@code Or} is a {@code Mono<Void>}: it never emits a value, so {@link #maxElementsFromPublisher()}
 * is 0 and the TCK skips, with "required elements nr: N is higher than supported by given
 * producer: 0", every rule whose test needs an element: 1.01, 1.02, 1.03, 1.05 and 1.07 on a
 * stream of values, the optional 1.11 ones, 3.02, 3.03, 3.06, 3.07, 3.09, 3.12, 3.13 and 3.17.
 * {@code OrTest} covers 3.9 ({@code aBadRequestIsSignalledAsAnIllegalArgument}) and cancellation
 * ({@code cancellationCancelsEveryInput}, {@code aSignalRacingACancelSignalsAtMostOnce}). The
 * {@code untested_*} rules are skipped by the TCK itself, which has no test for them.
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
