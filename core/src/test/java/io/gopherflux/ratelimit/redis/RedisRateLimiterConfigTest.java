package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;

import io.gopherflux.ratelimit.NanoClock;
import io.gopherflux.ratelimit.RateLimiterMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.scheduler.Schedulers;

class RedisRateLimiterConfigTest {

	@Test
	void nullArgumentsAreNamed() {
		assertThatNullPointerException().isThrownBy(() -> RedisRateLimiterConfig.builder(null)).withMessage("redisUri");
		RedisRateLimiterConfig.Builder b = RedisRateLimiterConfig.builder("redis://localhost");
		assertThatNullPointerException().isThrownBy(() -> b.name(null)).withMessage("name");
		assertThatNullPointerException().isThrownBy(() -> b.timeout(null)).withMessage("timeout");
		assertThatNullPointerException().isThrownBy(() -> b.retryInterval(null)).withMessage("retryInterval");
		assertThatNullPointerException().isThrownBy(() -> b.failurePolicy(null)).withMessage("failurePolicy");
		assertThatNullPointerException().isThrownBy(() -> b.keyPrefix(null)).withMessage("keyPrefix");
		assertThatNullPointerException().isThrownBy(() -> b.scheduler(null)).withMessage("scheduler");
		assertThatNullPointerException().isThrownBy(() -> b.clock(null)).withMessage("clock");
		assertThatNullPointerException().isThrownBy(() -> b.metrics(null)).withMessage("metrics");
		assertThatNullPointerException().isThrownBy(() -> b.redisMetrics(null)).withMessage("redisMetrics");
		assertThatNullPointerException().isThrownBy(() -> RedisRateLimiters.create((RedisRateLimiterConfig) null)).withMessage("config");
		assertThatNullPointerException().isThrownBy(() -> RedisRateLimiters.create((String) null)).withMessage("redisUri");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "localhost:6379", "not a uri", "http://localhost:6379", "redis://", "redis://host:notaport",
			"redis://localhost:99999", "redis://localhost/notadb" })
	void aBadUriIsAConfigurationErrorAtConstruction(String uri) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisRateLimiterConfig.of(uri))
				.withMessageStartingWith("redisUri is not a Redis URI")
				.withMessageContaining("expected redis://");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisRateLimiters.create(uri))
				.withMessageStartingWith("redisUri is not a Redis URI");
	}

	@Test
	void aPasswordNeverShowsInErrorsOrToString() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisRateLimiterConfig.of("redis://user:s3cret@host:notaport"))
				.withMessageNotContaining("s3cret")
				.withMessageContaining("***@host:notaport");
		RedisRateLimiterConfig config = RedisRateLimiterConfig.of("redis://user:s3cret@localhost:6380/2");
		assertThat(config.toString()).doesNotContain("s3cret").contains("localhost:6380");
		assertThat(config.redisDisplay()).doesNotContain("s3cret");
	}

	@Test
	void durationsMustBePositive() {
		RedisRateLimiterConfig.Builder b = RedisRateLimiterConfig.builder("redis://localhost");
		assertThatIllegalArgumentException().isThrownBy(() -> b.timeout(Duration.ZERO).build()).withMessageContaining("timeout");
		b.timeout(Duration.ofMillis(100));
		assertThatIllegalArgumentException().isThrownBy(() -> b.retryInterval(Duration.ofMillis(-1)).build())
				.withMessageContaining("retryInterval");
	}

	@Test
	void defaults() {
		RedisRateLimiterConfig config = RedisRateLimiterConfig.of("redis://localhost");
		assertThat(config.timeout()).isEqualTo(Duration.ofMillis(250));
		assertThat(config.retryInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(config.failurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
		assertThat(config.keyPrefix()).isEqualTo("gopherflux:ratelimit:");
		assertThat(config.scheduler()).isSameAs(Schedulers.parallel());
		assertThat(config.clock()).as("the scheduler's, as a bucket's").isEqualTo(NanoClock.of(Schedulers.parallel()));
		assertThat(config.metrics()).isSameAs(RateLimiterMetrics.noop());
		assertThat(config.redisMetrics()).isSameAs(RedisLimiterMetrics.noop());
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis://localhost", "redis://:pw@10.0.0.1:6380/3", "rediss://cache.example.com:6380",
			"redis://[::1]:6379", "redis-socket:///var/run/redis.sock", "redis-sentinel://localhost:26379?sentinelMasterId=m" })
	void goodUrisAreAccepted(String uri) {
		assertThat(RedisRateLimiterConfig.of(uri).redisURI()).isNotNull();
	}
}
