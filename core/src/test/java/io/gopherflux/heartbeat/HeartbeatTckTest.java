package io.gopherflux.heartbeat;

import java.time.Duration;

import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Reactive Streams TCK for the interval heartbeat Publisher. The pulse interval is longer than
 * any TCK test, so the stream holds exactly the requested number of values; the pulses' own
 * behaviour is covered by {@code HeartbeatTest}. Every required and optional rule runs; the TCK
 * reports its {@code untested_*} rules as skipped because it has no test for them.
 */
public class HeartbeatTckTest extends PublisherTck<Beat<Long>> {

	public HeartbeatTckTest() {
		super(PublisherTck.environment(100, 2_000));
	}

	@Override
	public Publisher<Beat<Long>> createPublisher(long elements) {
		return Heartbeat.interval(Flux.<Long, Long>generate(() -> 0L, (i, sink) -> {
			if (i < elements) {
				sink.next(i);
			}
			else {
				sink.complete();
			}
			return i + 1;
		}), Duration.ofHours(1));
	}

	@Override
	public Publisher<Beat<Long>> createFailedPublisher() {
		return Heartbeat.interval(Flux.error(new IllegalStateException("failed results")), Duration.ofHours(1));
	}
}
