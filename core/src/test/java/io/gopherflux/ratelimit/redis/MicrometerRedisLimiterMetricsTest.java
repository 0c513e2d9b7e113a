package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MicrometerRedisLimiterMetricsTest {

	@Test
	void nullArgumentsAreNamed() {
		assertThatNullPointerException().isThrownBy(() -> new MicrometerRedisLimiterMetrics(null, "x")).withMessage("registry");
		assertThatNullPointerException().isThrownBy(() -> new MicrometerRedisLimiterMetrics(new SimpleMeterRegistry(), null))
				.withMessage("limiterName");
	}

	@Test
	void reportsAvailabilityTransitionsDegradedPermitsReloadsAndRoundTrips() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		MicrometerRedisLimiterMetrics metrics = new MicrometerRedisLimiterMetrics(registry, "api");
		assertThat(registry.get(MicrometerRedisLimiterMetrics.AVAILABLE).tag("limiter", "api").gauge().value()).isEqualTo(1);

		metrics.availabilityChanged(false);
		metrics.degraded(3);
		metrics.degraded(2);
		assertThat(registry.get(MicrometerRedisLimiterMetrics.AVAILABLE).gauge().value()).isZero();
		assertThat(registry.get(MicrometerRedisLimiterMetrics.DEGRADED).counter().count()).isEqualTo(5);

		metrics.availabilityChanged(true);
		metrics.scriptReloaded();
		metrics.roundTrip(TimeUnit.MICROSECONDS.toNanos(150));
		assertThat(registry.get(MicrometerRedisLimiterMetrics.AVAILABLE).gauge().value()).isEqualTo(1);
		assertThat(registry.get(MicrometerRedisLimiterMetrics.TRANSITIONS).tag("to", "unavailable").counter().count()).isEqualTo(1);
		assertThat(registry.get(MicrometerRedisLimiterMetrics.TRANSITIONS).tag("to", "available").counter().count()).isEqualTo(1);
		assertThat(registry.get(MicrometerRedisLimiterMetrics.SCRIPT_RELOADS).counter().count()).isEqualTo(1);
		assertThat(registry.get(MicrometerRedisLimiterMetrics.ROUND_TRIP).timer().totalTime(TimeUnit.MICROSECONDS)).isEqualTo(150);
	}
}
