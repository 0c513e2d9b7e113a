package io.gopherflux.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

class TokenBucketConfigTest {

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> TokenBucketConfig.builder(null, 1)).withMessage("limit");
		TokenBucketConfig.Builder builder = TokenBucketConfig.builder(Limit.of(1), 1);
		assertThatNullPointerException().isThrownBy(() -> builder.name(null)).withMessage("name");
		assertThatNullPointerException().isThrownBy(() -> builder.scheduler(null)).withMessage("scheduler");
		assertThatNullPointerException().isThrownBy(() -> builder.clock(null)).withMessage("clock");
		assertThatNullPointerException().isThrownBy(() -> builder.metrics(null)).withMessage("metrics");
		assertThatNullPointerException().isThrownBy(() -> builder.timeFrom(null)).withMessage("scheduler");
		assertThatNullPointerException().isThrownBy(() -> NanoClock.of(null)).withMessage("scheduler");
		assertThatNullPointerException()
				.isThrownBy(() -> new TokenBucketConfig("x", Limit.of(1), 1, null, NanoClock.system(), RateLimiterMetrics.noop()))
				.withMessage("scheduler");
	}

	@Test
	void burstMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> TokenBucketConfig.builder(Limit.of(1), 0).build())
				.withMessageContaining("burst");
	}

	@Test
	void defaultsAreTheNanoClockParallelSchedulerAndNoMetrics() {
		TokenBucketConfig config = TokenBucketConfig.builder(Limit.of(1), 1).build();
		assertThat(config.name()).isEqualTo("rate-limiter");
		assertThat(config.clock()).isSameAs(NanoClock.system());
		assertThat(config.scheduler()).isSameAs(Schedulers.parallel());
		assertThat(config.metrics()).isSameAs(RateLimiterMetrics.noop());
	}

	@Test
	void timeFromTakesClockAndTimersFromOneScheduler() {
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		try {
			TokenBucketConfig config = TokenBucketConfig.builder(Limit.of(1), 1).timeFrom(time).build();
			assertThat(config.scheduler()).isSameAs(time);
			time.advanceTimeBy(java.time.Duration.ofNanos(1234));
			assertThat(config.clock().nanoTime()).isEqualTo(1234);
		}
		finally {
			time.dispose();
		}
	}
}
