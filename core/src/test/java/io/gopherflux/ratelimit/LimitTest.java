package io.gopherflux.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class LimitTest {

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> Limit.every(null)).withMessage("interval");
		assertThatNullPointerException().isThrownBy(() -> Limit.per(1, null)).withMessage("period");
	}

	@Test
	void invalidNumbersAreRejectedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> Limit.of(-1)).withMessageContaining("perSecond");
		assertThatIllegalArgumentException().isThrownBy(() -> Limit.of(Double.NaN)).withMessageContaining("perSecond");
		assertThatIllegalArgumentException().isThrownBy(() -> Limit.every(Duration.ofSeconds(-1)))
				.withMessageContaining("interval");
		assertThatIllegalArgumentException().isThrownBy(() -> Limit.per(-1, Duration.ofSeconds(1)))
				.withMessageContaining("count");
		assertThatIllegalArgumentException().isThrownBy(() -> Limit.per(1, Duration.ZERO))
				.withMessageContaining("period");
		assertThatIllegalArgumentException().isThrownBy(() -> Limit.per(1, Duration.ofSeconds(-1)))
				.withMessageContaining("period");
	}

	@Test
	void perIsCountOverPeriodWithoutTruncation() {
		assertThat(Limit.per(10, Duration.ofMinutes(1)).perSecond()).isEqualTo(10 / 60.0);
		assertThat(Limit.per(2, Duration.ofSeconds(1))).isEqualTo(Limit.of(2));
		assertThat(Limit.per(3, Duration.ofSeconds(1)).perSecond()).isEqualTo(3.0);
		assertThat(Limit.per(0, Duration.ofSeconds(1))).isEqualTo(Limit.ZERO);
	}

	@Test
	void everyIsOneEventPerInterval() {
		assertThat(Limit.every(Duration.ofMillis(500))).isEqualTo(Limit.of(2));
		assertThat(Limit.every(Duration.ofSeconds(6)).perSecond()).isEqualTo(1 / 6.0);
		assertThat(Limit.every(Duration.ZERO)).isSameAs(Limit.INF);
	}

	@Test
	void infiniteAndZero() {
		assertThat(Limit.INF.isInfinite()).isTrue();
		assertThat(Limit.INF.isZero()).isFalse();
		assertThat(Limit.ZERO.isZero()).isTrue();
		assertThat(Limit.ZERO.isInfinite()).isFalse();
		assertThat(Limit.INF).hasToString("unlimited");
		assertThat(Limit.of(2)).hasToString("2.0/s");
	}

	@Test
	void limitsSortFromMostRestrictive() {
		List<Limit> limits = new ArrayList<>(List.of(Limit.INF, Limit.of(2), Limit.per(10, Duration.ofMinutes(1)), Limit.ZERO));
		Collections.sort(limits);
		assertThat(limits).containsExactly(Limit.ZERO, Limit.per(10, Duration.ofMinutes(1)), Limit.of(2), Limit.INF);
	}
}
