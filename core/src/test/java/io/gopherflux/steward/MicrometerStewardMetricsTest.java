package io.gopherflux.steward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gopherflux.heartbeat.CountingScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class MicrometerStewardMetricsTest {

	@Test
	void nullArgumentsAreRejected() {
		assertThatNullPointerException().isThrownBy(() -> new MicrometerStewardMetrics(null)).withMessage("registry");
		assertThatNullPointerException().isThrownBy(() -> new MicrometerStewardMetrics(new SimpleMeterRegistry(), null))
				.withMessage("clock");
	}

	@Test
	void countsRestartsAndMissedHeartbeatsAndGaugesTheWardsUptime() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		CountingScheduler scheduler = CountingScheduler.create();
		StewardConfig config = StewardConfig.of("irresponsible", Duration.ofSeconds(4)).withScheduler(scheduler)
				.withMetrics(new MicrometerStewardMetrics(registry, scheduler));
		Steward<Object> steward = Steward.of(config, pulseInterval -> Flux.never());
		StepVerifier.withVirtualTime(() -> steward.start(Duration.ofSeconds(4)), scheduler::virtualTime, Long.MAX_VALUE)
				.expectSubscription()
				.thenAwait(Duration.ofSeconds(9))
				.expectNextCount(2)
				.then(() -> assertThat(registry.get("gopherflux.steward.ward.uptime").tag("ward", "irresponsible").timeGauge()
						.value(TimeUnit.SECONDS)).isEqualTo(1.0))
				.thenCancel()
				.verify(Duration.ofSeconds(10));
		assertThat(registry.get("gopherflux.steward.restarts").tags("ward", "irresponsible", "reason", "timeout").counter().count())
				.isEqualTo(2);
		assertThat(registry.get("gopherflux.steward.heartbeat.timeouts").tag("ward", "irresponsible").counter().count())
				.isEqualTo(2);
		assertThat(registry.get("gopherflux.steward.ward.uptime").tag("ward", "irresponsible").timeGauge().value()).isZero();
	}
}
