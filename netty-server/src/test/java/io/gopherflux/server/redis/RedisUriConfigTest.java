package io.gopherflux.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.Map;

import io.gopherflux.ratelimit.redis.FailurePolicy;
import io.gopherflux.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Redis settings as the server reads them: a bad URI is a configuration error naming where it
 * came from, with the password hidden; a good one changes the limiter and nothing else.
 */
class RedisUriConfigTest {

	@ParameterizedTest
	@ValueSource(strings = {
			"redis://admin:s3cret@cache:notaport",
			"redis://admin:s3cret@cache:99999",
			"redis://admin:s3cret@cache:6379/notadatabase",
			"http://admin:s3cret@cache:6379",
			"redis://admin:s3cret@",
			"redis-sentinel://admin:s3cret@cache:26379",
			"redis://u:s3cret@ho st:6379",
			"redis://:s3cret@[::1:6379",
			"redis://u:s3cret@h:6379#x%zz",
			"redis-socket://user:s3cret@"})
	void badRedisUriFlagIsAConfigurationErrorNamingTheFlagWithThePasswordMasked(String uri) {
		assertThatIllegalArgumentException()
				.isThrownBy(() -> ServerConfig.parse(List.of("--redis-uri=" + uri), Map.of()))
				.withMessageStartingWith("bad configuration:")
				.withMessageContaining("flag --redis-uri: redisUri is not a Redis URI")
				.withMessageContaining("'" + uri.substring(0, uri.indexOf("://") + 3) + "***@")
				.withMessageNotContaining("s3cret");
	}

	@Test
	void badRedisUriInTheEnvironmentNamesTheVariable() {
		assertThatIllegalArgumentException()
				.isThrownBy(() -> ServerConfig.parse(List.of(), Map.of("GOPHERFLUX_REDIS_URI", "redis://:s3cret@cache:port")))
				.withMessageContaining("environment variable GOPHERFLUX_REDIS_URI: redisUri is not a Redis URI")
				.withMessageContaining("'redis://***@cache:port'")
				.withMessageNotContaining("s3cret");
	}

	@Test
	void badRedisUriIsReportedWithTheOtherBadOptions() {
		assertThatIllegalArgumentException()
				.isThrownBy(() -> ServerConfig.parse(List.of("--port=http", "--redis-uri=redis://:s3cret@cache:port",
						"--redis-failure-policy=sometimes"), Map.of()))
				.withMessageContaining("flag --port:")
				.withMessageContaining("flag --redis-uri:")
				.withMessageContaining("flag --redis-failure-policy: must be fail-open or fail-closed, was 'sometimes'")
				.withMessageNotContaining("s3cret");
	}

	@Test
	void badRedisUriGivenInCodeIsRejectedWithThePasswordMasked() {
		assertThatIllegalArgumentException()
				.isThrownBy(() -> ServerConfig.defaults().withRedis("redis://admin:s3cret@cache:notaport", FailurePolicy.FAIL_OPEN))
				.withMessageContaining("redisUri is not a Redis URI")
				.withMessageNotContaining("s3cret");
	}

	@Test
	void goodRedisUriChangesTheLimiterAndNothingElse() {
		ServerConfig config = ServerConfig.parse(List.of("--redis-uri=redis://:s3cret@127.0.0.1:6379/2",
				"--redis-failure-policy=fail-closed"), Map.of());

		assertThat(config.redisUri()).isEqualTo("redis://:s3cret@127.0.0.1:6379/2");
		assertThat(config.redisFailurePolicy()).isEqualTo(FailurePolicy.FAIL_CLOSED);
		assertThat(config.withRedis(null, FailurePolicy.FAIL_OPEN)).isEqualTo(ServerConfig.defaults());
	}

	@Test
	void blankRedisUriMeansTheInMemoryLimiter() {
		ServerConfig config = ServerConfig.parse(List.of(), Map.of("GOPHERFLUX_REDIS_URI", "  "));

		assertThat(config.redisUri()).isNull();
		assertThat(config).isEqualTo(ServerConfig.defaults());
	}
}
