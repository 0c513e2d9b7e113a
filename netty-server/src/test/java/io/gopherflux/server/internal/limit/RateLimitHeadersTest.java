package io.gopherflux.server.internal.limit;

import java.time.Duration;
import java.util.List;

import io.gopherflux.ratelimit.Limit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import io.gopherflux.server.limit.Admission;
import io.gopherflux.server.limit.Plan;
import io.gopherflux.server.limit.Quota;

class RateLimitHeadersTest {

	static final Plan FREE = Plan.free();

	static Admission allowed(double perSecond, double perMinute) {
		return new Admission(true, Duration.ZERO, List.of(perSecond, perMinute), FREE);
	}

	@Test
	void theFieldNamesAreTheDraftsAndRfc9110s() {
		assertThat(RateLimitHeaders.POLICY).isEqualTo("RateLimit-Policy");
		assertThat(RateLimitHeaders.STATE).isEqualTo("RateLimit");
		assertThat(RateLimitHeaders.RETRY_AFTER).isEqualTo("Retry-After");
	}

	@Test
	void thePolicyListsEachQuotaWithItsWindowInSeconds() {
		assertThat(RateLimitHeaders.policy(FREE)).isEqualTo("\"per-second\";q=10;w=1, \"per-minute\";q=100;w=60");
		assertThat(RateLimitHeaders.policy(Plan.paid())).isEqualTo("\"per-second\";q=100;w=1, \"per-minute\";q=3000;w=60");
	}

	@Test
	void aPlanOfOneQuotaHasOneItem() {
		Plan plan = new Plan("daily", List.of(Quota.parse("per-day:5000/24h")), Limit.INF, 1);

		assertThat(RateLimitHeaders.policy(plan)).isEqualTo("\"per-day\";q=5000;w=86400");
		assertThat(RateLimitHeaders.state(new Admission(true, Duration.ZERO, List.of(4999.0), plan)))
				.isEqualTo("\"per-day\";r=4999;t=18");
	}

	@Test
	void theStateAfterTheFirstRequest() {
		// One token missing: 0.1 s to refill per-second, 0.6 s per-minute, each rounded up.
		assertThat(RateLimitHeaders.state(allowed(9, 99))).isEqualTo("\"per-second\";r=9;t=1, \"per-minute\";r=99;t=1");
	}

	@Test
	void fullQuotasNeedNoTime() {
		assertThat(RateLimitHeaders.state(allowed(10, 100))).isEqualTo("\"per-second\";r=10;t=0, \"per-minute\";r=100;t=0");
	}

	@Test
	void emptyQuotasTakeTheirWholeWindow() {
		assertThat(RateLimitHeaders.state(allowed(0, 0))).isEqualTo("\"per-second\";r=0;t=1, \"per-minute\";r=0;t=60");
	}

	@ParameterizedTest(name = "{0} of 100 per minute -> r={1};t={2}")
	@CsvSource({
			"50.25, 50, 30",
			"0.5, 0, 60",
			"99.999, 99, 1",
			"99.9999999999, 100, 0",
			"-1, 0, 61",
			"Infinity, 100, 0",
			"250, 100, 0"
	})
	void fractionsRoundRemainingDownAndTimeUp(double tokens, long remaining, long seconds) {
		Quota quota = Quota.parse("per-minute:100/1m");

		assertThat(RateLimitHeaders.remaining(tokens, quota)).isEqualTo(remaining);
		assertThat(RateLimitHeaders.secondsUntilFull(tokens, quota)).isEqualTo(seconds);
	}

	@ParameterizedTest(name = "{0} -> Retry-After: {1}")
	@CsvSource({"PT0S, 1", "PT0.000000001S, 1", "PT0.1S, 1", "PT1S, 1", "PT1.000000001S, 1", "PT1.000002S, 2", "PT1.5S, 2", "PT59.4S, 60",
			"PT60S, 60"})
	// A wait within a microsecond past a whole second is that second: token counts are doubles.
	void retryAfterIsTheWaitRoundedUpToWholeSecondsAndAtLeastOne(Duration wait, long seconds) {
		Admission refused = new Admission(false, wait, List.of(0.0, 0.0), FREE);

		assertThat(RateLimitHeaders.retryAfterSeconds(refused)).isEqualTo(seconds);
	}
}
