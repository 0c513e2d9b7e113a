package io.gopherflux.server.limit;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class ConnectionLimitsTest {

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> new ConnectionLimits(null, Duration.ofSeconds(1), 1))
				.withMessage("headerReadTimeout");
		assertThatNullPointerException().isThrownBy(() -> new ConnectionLimits(Duration.ofSeconds(1), null, 1))
				.withMessage("idleTimeout");
	}

	@Test
	void theDefaultsAreTenSecondsSixtySecondsAnd256() {
		assertThat(ConnectionLimits.defaults())
				.isEqualTo(new ConnectionLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), 256));
	}

	@Test
	void timeoutsBelowTenMillisecondsAndACapBelowOneAreRefusedNamingTheField() {
		ConnectionLimits limits = ConnectionLimits.defaults();

		assertThatIllegalArgumentException().isThrownBy(() -> limits.withHeaderReadTimeout(Duration.ofMillis(9)))
				.withMessage("header-read timeout must be at least 10ms, was 9ms");
		assertThatIllegalArgumentException().isThrownBy(() -> limits.withIdleTimeout(Duration.ZERO))
				.withMessage("idle timeout must be at least 10ms, was 0s");
		assertThatIllegalArgumentException().isThrownBy(() -> limits.withMaxConnectionsPerAddress(0))
				.withMessage("max connections per address must be at least 1, was 0");
	}

	@Test
	void withersChangeOneField() {
		ConnectionLimits limits = ConnectionLimits.defaults();

		assertThat(limits.withHeaderReadTimeout(Duration.ofMillis(10)).headerReadTimeout()).isEqualTo(Duration.ofMillis(10));
		assertThat(limits.withIdleTimeout(Duration.ofMinutes(5)).idleTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(limits.withMaxConnectionsPerAddress(1).maxConnectionsPerAddress()).isEqualTo(1);
		assertThat(limits.withMaxConnectionsPerAddress(1).idleTimeout()).isEqualTo(limits.idleTimeout());
	}
}
