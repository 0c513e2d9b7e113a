package io.gopherflux.steward;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reactive Streams TCK for a steward's output. The ward fails after every third value and is
 * restarted at once, carrying on from where the last one stopped, and the steward completes
 * when a ward completes; its pulse interval and timeout are longer than any TCK test, so the
 * stream holds exactly the requested values, across restarts. Every required and optional rule
 * runs; the TCK reports its {@code untested_*} rules as skipped because it has no test for them.
 */
public class StewardTckTest extends PublisherTck<Beat<Long>> {

	private static final StewardConfig CONFIG = StewardConfig.of("tck", Duration.ofHours(1))
			.withRestartPolicy(RestartPolicy.immediate().withRestartOnCompletion(false));

	public StewardTckTest() {
		super(PublisherTck.environment(100, 2_000));
	}

	@Override
	public Publisher<Beat<Long>> createPublisher(long elements) {
		return Flux.defer(() -> {
			AtomicLong next = new AtomicLong();
			Ward<Long> ward = pulseInterval -> Flux.<Beat<Long>>generate(sink -> {
				long i = next.get();
				if (i >= elements) {
					sink.complete();
					return;
				}
				next.incrementAndGet();
				sink.next(Beat.value(i));
			}).take(3).concatWith(Mono.defer(() -> next.get() >= elements ? Mono.empty()
					: Mono.error(new IllegalStateException("ward fails every third value"))));
			return Steward.of(CONFIG, ward).start(Duration.ofHours(1));
		});
	}

	@Override
	public Publisher<Beat<Long>> createFailedPublisher() {
		StewardConfig failing = CONFIG.withRestartPolicy(RestartPolicy.immediate().withLimit(0, Duration.ofMinutes(1)));
		return Steward.of(failing, pulseInterval -> Flux.<Beat<Long>>error(new IllegalStateException("ward down")))
				.start(Duration.ofHours(1));
	}
}
