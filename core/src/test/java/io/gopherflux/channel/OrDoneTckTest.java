package io.gopherflux.channel;

import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reactive Streams TCK for {@link OrDone}: every required and optional rule runs and passes; the
 * TCK reports its {@code untested_*} rules as skipped because it has no test for them.
 */
public class OrDoneTckTest extends PublisherTck<Long> {

	public OrDoneTckTest() {
		super(PublisherTck.environment(100, 1_000));
	}

	@Override
	public Publisher<Long> createPublisher(long elements) {
		Flux<Long> source = Flux.generate(() -> 0L, (i, sink) -> {
			if (i < elements) {
				sink.next(i);
			}
			else {
				sink.complete();
			}
			return i + 1;
		});
		return OrDone.of(source, Mono.never());
	}

	@Override
	public Publisher<Long> createFailedPublisher() {
		return OrDone.of(Flux.error(new IllegalStateException("failed source")), Mono.never());
	}
}
