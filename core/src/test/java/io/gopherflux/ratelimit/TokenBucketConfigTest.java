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
	void defaultsAreTheParallelSchedulerItsClockAndNoMetrics() {
		TokenBucketConfig config = TokenBucketConfig.builder(Limit.of(1), 1).build();
		assertThat(config.name()).isEqualTo("rate-limiter");
		assertThat(config.scheduler()).isSameAs(Schedulers.parallel());
		assertThat(config.clock()).isEqualTo(NanoClock.of(Schedulers.parallel()));
		assertThat(config.metrics()).isSameAs(RateLimiterMetrics.noop());
	}

	/** Issue 13: the clock follows the scheduler unless one is set, so a bucket is never half-virtual. */
	@Test
	void theClockIsTheSchedulersUnlessOneIsSet() {
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		try {
			TokenBucketConfig followed = TokenBucketConfig.builder(Limit.of(1), 1).scheduler(time).build();
			time.advanceTimeBy(java.time.Duration.ofNanos(1234));
			assertThat(followed.clock().nanoTime()).isEqualTo(1234);
			assertThat(followed.clock()).isEqualTo(NanoClock.of(time));

			TokenBucketConfig set = TokenBucketConfig.builder(Limit.of(1), 1).clock(NanoClock.system()).scheduler(time).build();
			assertThat(set.clock()).isSameAs(NanoClock.system());
			assertThat(set.scheduler()).isSameAs(time);
		}
		finally {
			time.dispose();
		}
	}

	@Test
	void underVirtualTimeTheDefaultsAreVirtual() {
		VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
		try {
			TokenBucketConfig config = TokenBucketConfig.builder(Limit.of(1), 1).build();
			time.advanceTimeBy(java.time.Duration.ofSeconds(3));
			assertThat(config.clock().nanoTime()).isEqualTo(3_000_000_000L);
		}
		finally {
			VirtualTimeScheduler.reset();
		}
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
