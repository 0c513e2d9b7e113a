package io.gopherflux.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class MicrometerReplicateMetricsTest {

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> new MicrometerReplicateMetrics(null, "x"))
				.withMessage("registry");
		assertThatNullPointerException().isThrownBy(() -> new MicrometerReplicateMetrics(new SimpleMeterRegistry(), null))
				.withMessage("name");
	}

	@Test
	void recordsWinnerLatencyCancelledLosersAndFailures() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		VirtualTimeScheduler vts = VirtualTimeScheduler.create();
		Replicator replicator = Replicator.of(ReplicateConfig.of(3).withClock(vts)
				.withMetrics(new MicrometerReplicateMetrics(registry, "lookup")));
		long[] seconds = {3, 1, 2};

		StepVerifier.create(replicator.<Integer>request(i -> Mono.delay(Duration.ofSeconds(seconds[i]), vts).thenReturn(i)))
				.expectSubscription()
				.then(() -> vts.advanceTimeBy(Duration.ofSeconds(1)))
				.expectNext(1)
				.verifyComplete();
		StepVerifier.create(replicator.<Integer>request(i -> Mono.error(new IllegalStateException())))
				.expectError(AllReplicasFailedException.class)
				.verify();

		assertThat(registry.get("gopherflux.replicate.replicas.started").tag("name", "lookup").counter().count())
				.isEqualTo(6);
		assertThat(registry.get("gopherflux.replicate.wins").tags("name", "lookup", "replica", "1").counter().count())
				.isEqualTo(1);
		assertThat(registry.get("gopherflux.replicate.winner.latency").timer().totalTime(TimeUnit.SECONDS))
				.isEqualTo(1);
		assertThat(registry.get("gopherflux.replicate.replicas.cancelled").counter().count()).isEqualTo(2);
		assertThat(registry.get("gopherflux.replicate.failures").counter().count()).isEqualTo(1);
	}
}
