package io.gopherflux.channel;

import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Reactive Streams TCK for {@link Bridge}: every required and optional rule runs and passes; the
 * TCK reports its {@code untested_*} rules as skipped because it has no test for them.
 */
public class BridgeTckTest extends PublisherTck<Long> {

	public BridgeTckTest() {
		super(PublisherTck.environment(100, 1_000));
	}

	@Override
	public Publisher<Long> createPublisher(long elements) {
		// Inners of three values (the last one shorter), generated lazily for huge counts.
		Flux<Flux<Long>> inners = Flux.generate(() -> 0L, (start, sink) -> {
			if (start >= elements) {
				sink.complete();
				return start;
			}
			long end = Math.min(elements, start + 3);
			sink.next(Flux.<Long, Long>generate(() -> start, (v, s) -> {
				if (v < end) {
					s.next(v);
				}
				else {
					s.complete();
				}
				return v + 1;
			}));
			return end;
		});
		return Bridge.of(inners, 2);
	}

	@Override
	public Publisher<Long> createFailedPublisher() {
		return Bridge.of(Flux.error(new IllegalStateException("failed outer")));
	}
}
