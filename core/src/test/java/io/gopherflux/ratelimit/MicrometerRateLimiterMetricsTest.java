package io.gopherflux.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

class MicrometerRateLimiterMetricsTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	@AfterEach
	void disposeTime() {
		time.dispose();
	}

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> new MicrometerRateLimiterMetrics(null, "api")).withMessage("registry");
		assertThatNullPointerException().isThrownBy(() -> new MicrometerRateLimiterMetrics(registry, null))
				.withMessage("limiterName");
	}

	private double permits(String result) {
		return registry.get(MicrometerRateLimiterMetrics.PERMITS).tag("limiter", "api").tag("result", result).counter().count();
	}

	@Test
	void countsGrantedDeniedReturnedAndTimesWaits() {
		TokenBucket bucket = TokenBucket.of(TokenBucketConfig.builder(Limit.of(10), 2)
				.name("api")
				.timeFrom(time)
				.metrics(new MicrometerRateLimiterMetrics(registry, "api"))
				.build());
		bucket.tryAcquire(2);
		bucket.tryAcquire();
		bucket.tryAcquire(3);
		Reservation r = bucket.reserveNow(1);
		r.cancel();
		assertThat(permits("granted")).isEqualTo(3);
		assertThat(permits("denied")).isEqualTo(4);
		assertThat(permits("returned")).isEqualTo(1);
		assertThat(registry.get(MicrometerRateLimiterMetrics.WAIT).tag("limiter", "api").timer().count()).isEqualTo(1);
		assertThat(registry.get(MicrometerRateLimiterMetrics.WAIT).timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100);
	}
}
