package io.gopherflux.heartbeat;

import java.time.Duration;

import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Reactive Streams TCK for the watchdog operator over a stream of values, with a timeout longer
 * than any TCK test. Every required and optional rule runs; the TCK reports its
 * {@code untested_*} rules as skipped because it has no test for them.
 */
public class HeartbeatWatchdogTckTest extends PublisherTck<Beat<Long>> {

	public HeartbeatWatchdogTckTest() {
		super(PublisherTck.environment(100, 2_000));
	}

	@Override
	public Publisher<Beat<Long>> createPublisher(long elements) {
		return Flux.<Beat<Long>, Long>generate(() -> 0L, (i, sink) -> {
					if (i < elements) {
						sink.next(Beat.value(i));
					}
					else {
						sink.complete();
					}
					return i + 1;
				})
				.transform(Heartbeat.watchdog("tck", Duration.ofHours(1), Schedulers.parallel()));
	}

	@Override
	public Publisher<Beat<Long>> createFailedPublisher() {
		return Flux.<Beat<Long>>error(new IllegalStateException("failed ward"))
				.transform(Heartbeat.watchdog("tck", Duration.ofHours(1), Schedulers.parallel()));
	}
}
