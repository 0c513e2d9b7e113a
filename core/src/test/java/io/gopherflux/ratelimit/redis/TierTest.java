package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;

import io.gopherflux.ratelimit.Limit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TierTest {

	@Test
	void nullNameOrLimitIsNamed() {
		assertThatNullPointerException().isThrownBy(() -> Tier.of(null, Limit.of(1), 1)).withMessage("name");
		assertThatNullPointerException().isThrownBy(() -> Tier.of("t", null, 1)).withMessage("limit");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "a b", "{a}", "a}", "\t" })
	void nameMustBeUsableInAKey(String name) {
		assertThatIllegalArgumentException().isThrownBy(() -> Tier.of(name, Limit.of(1), 1)).withMessageContaining("name");
	}

	@Test
	void burstMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> Tier.of("t", Limit.of(1), 0)).withMessageContaining("burst");
	}

	@Test
	void zeroLimitIsRefusedBecauseItsKeyWouldNeverExpire() {
		assertThatIllegalArgumentException().isThrownBy(() -> Tier.of("t", Limit.ZERO, 1)).withMessageContaining("never expires");
	}

	@Test
	void tooSlowALimitIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Tier.of("t", Limit.per(1, Duration.ofDays(365)), 4))
				.withMessageContaining("3 years");
	}

	@Test
	void intervalIsInMicroseconds() {
		assertThat(Tier.of("t", Limit.of(4), 1).intervalMicros()).isEqualTo(250_000);
		assertThat(Tier.of("t", Limit.per(100, Duration.ofMinutes(1)), 100).intervalMicros()).isEqualTo(600_000);
		assertThat(Tier.of("t", Limit.INF, 1).intervalMicros()).isZero();
	}
}
