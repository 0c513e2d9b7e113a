package io.gopherflux.heartbeat;

import java.time.Duration;

import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Reactive Streams TCK for the watchdog operator over a stream of values, with a timeout longer
 * than any TCK test. Every required and optional rule runs; the TCK reports its
 * {@code untested_*} rules as skipped because it has no test for them.
 */
public class HeartbeatWatchdogTckTest extends PublisherVerification<Beat<Long>> {

	public HeartbeatWatchdogTckTest() {
		super(new TestEnvironment(2_000, 100));
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
