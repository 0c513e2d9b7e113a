package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.List;

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
		assertThatNullPointerException().isThrownBy(() -> b.failureWindow(null)).withMessage("failureWindow");
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
		assertThat(config.failureThreshold()).isEqualTo(3);
		assertThat(config.failureWindow()).isEqualTo(Duration.ofSeconds(10));
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
		assertThat(RedisRateLimiterConfig.of(uri).redisURIs()).hasSize(1);
	}

	@Test
	void theFailureThresholdIsAtLeastOneWithinAPositiveWindow() {
		RedisRateLimiterConfig.Builder b = RedisRateLimiterConfig.builder("redis://localhost");
		assertThatIllegalArgumentException().isThrownBy(() -> b.failureThreshold(0).build()).withMessageContaining("failureThreshold");
		b.failureThreshold(1);
		assertThatIllegalArgumentException().isThrownBy(() -> b.failureWindow(Duration.ZERO).build()).withMessageContaining("failureWindow");
		assertThat(b.failureWindow(Duration.ofMillis(1)).build().failureThreshold()).isOne();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{", "}", "ratelimit:{app}:", "app}" })
	void aKeyPrefixWithABraceIsRejected(String prefix) {
		// A brace would make the prefix every key's hash tag: all budgets in one Redis Cluster slot.
		assertThatIllegalArgumentException().isThrownBy(() -> RedisRateLimiterConfig.builder("redis://localhost").keyPrefix(prefix).build())
				.withMessageContaining("keyPrefix must not have braces");
	}

	@Test
	void aConfigurationWithoutUriIsForTheApplicationsOwnClient() {
		RedisRateLimiterConfig config = RedisRateLimiterConfig.builder().name("app").build();

		assertThat(config.redisUri()).isNull();
		assertThat(config.cluster()).isFalse();
		assertThat(config.toString()).contains("the application's client");
		assertThatIllegalArgumentException().isThrownBy(() -> RedisRateLimiters.create(config)).withMessageContaining("config has no redisUri");
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis-cluster://127.0.0.1:7000", "redis-cluster://127.0.0.1:7000,127.0.0.1:7001,[::1]:7002",
			"redis-cluster://user:s3cret@10.0.0.1:7000,10.0.0.2", "rediss-cluster://cache-1.example.com:6380,cache-2.example.com:6380",
			"redis-cluster://h1:7000,h2:7000/0", "redis-cluster://h1:7000,h2:7000?timeout=5s" })
	void aRedisClusterIsNamedByItsSeedNodes(String uri) {
		RedisRateLimiterConfig config = RedisRateLimiterConfig.of(uri);

		assertThat(config.cluster()).isTrue();
		assertThat(config.redisURIs()).hasSize(uri.split(",").length);
		assertThat(config.toString()).doesNotContain("s3cret");
	}

	@Test
	void theSeedsShareTheSchemeTheCredentialsAndTheOptions() {
		List<io.lettuce.core.RedisURI> seeds = RedisRateLimiterConfig.of("rediss-cluster://user:s3cret@h1:7000,h2?timeout=5s").redisURIs();

		assertThat(seeds).extracting(io.lettuce.core.RedisURI::getHost).containsExactly("h1", "h2");
		assertThat(seeds).extracting(io.lettuce.core.RedisURI::getPort).containsExactly(7000, 6379);
		assertThat(seeds).allSatisfy(seed -> {
			assertThat(seed.isSsl()).isTrue();
			io.lettuce.core.RedisCredentials credentials = seed.getCredentialsProvider().resolveCredentials().block();
			assertThat(credentials.getUsername()).isEqualTo("user");
			assertThat(new String(credentials.getPassword())).isEqualTo("s3cret");
			assertThat(seed.getTimeout()).isEqualTo(Duration.ofSeconds(5));
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis-cluster://", "redis-cluster://h1:notaport,h2", "redis-cluster://h1,,h2", "redis-cluster://h1,",
			"redis-cluster://h1:7000/3", "redis-cluster://user:s3cret@h1:99999" })
	void aBadClusterUriIsAConfigurationError(String uri) {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisRateLimiterConfig.of(uri))
				.withMessageStartingWith("redisUri is not a Redis URI")
				.withMessageContaining("redis-cluster://")
				.withMessageNotContaining("s3cret");
	}

	@Test
	void severalHostsInARedisUriPointToTheClusterSyntax() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisRateLimiterConfig.of("redis://h1:7000,h2:7000"))
				.withMessageContaining("a Redis Cluster is written redis-cluster://host:port,host:port");
	}
}
