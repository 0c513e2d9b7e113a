package io.gopherflux.steward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RestartPolicyTest {

	private static final Duration S1 = Duration.ofSeconds(1);

	@Test
	void nullArgumentsAreRejected() {
		assertThatNullPointerException().isThrownBy(() -> new RestartPolicy(null, S1, 0, 1, S1, true)).withMessage("firstBackoff");
		assertThatNullPointerException().isThrownBy(() -> new RestartPolicy(S1, null, 0, 1, S1, true)).withMessage("maxBackoff");
		assertThatNullPointerException().isThrownBy(() -> new RestartPolicy(S1, S1, 0, 1, null, true)).withMessage("window");
		assertThatNullPointerException().isThrownBy(() -> RestartPolicy.backoff(null, S1)).withMessage("firstBackoff");
		assertThatNullPointerException().isThrownBy(() -> RestartPolicy.defaults(null)).withMessage("timeout");
	}

	@Test
	void invalidArgumentsAreRejectedNamingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RestartPolicy(S1.negated(), S1, 0, 1, S1, true))
				.withMessageContaining("firstBackoff");
		assertThatIllegalArgumentException().isThrownBy(() -> RestartPolicy.backoff(S1, Duration.ofMillis(10)))
				.withMessageContaining("maxBackoff");
		assertThatIllegalArgumentException().isThrownBy(() -> RestartPolicy.backoff(Duration.ZERO, S1))
				.withMessage("firstBackoff must be positive, was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> RestartPolicy.immediate().withJitter(1.5))
				.withMessage("jitter must be between 0 and 1, was 1.5");
		assertThatIllegalArgumentException().isThrownBy(() -> RestartPolicy.immediate().withJitter(Double.NaN))
				.withMessageContaining("jitter");
		assertThatIllegalArgumentException().isThrownBy(() -> RestartPolicy.immediate().withLimit(-1, S1))
				.withMessage("maxRestarts must not be negative, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> RestartPolicy.immediate().withLimit(1, Duration.ZERO))
				.withMessage("window must be positive, was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> RestartPolicy.immediate().backoff(0, 0.5))
				.withMessageContaining("restartsInWindow");
		assertThatIllegalArgumentException().isThrownBy(() -> RestartPolicy.defaults(Duration.ZERO))
				.withMessage("timeout must be positive, was PT0S");
	}

	@Test
	void theDefaultBacksOffFromATenthOfTheTimeoutToTheTimeout() {
		RestartPolicy policy = RestartPolicy.defaults(Duration.ofSeconds(2));
		assertThat(policy).isEqualTo(new RestartPolicy(Duration.ofMillis(200), Duration.ofSeconds(2), 0.5,
				RestartPolicy.UNLIMITED, Duration.ofSeconds(20), true));
		assertThat(RestartPolicy.defaults(Duration.ofNanos(5)).firstBackoff()).isEqualTo(Duration.ofNanos(1));
		assertThat(RestartPolicy.defaults(Duration.ofSeconds(Long.MAX_VALUE)).window()).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
		assertThat(StewardConfig.of("w", Duration.ofSeconds(2)).restartPolicy()).isEqualTo(policy);
	}

	/** What the default's javadoc promises for a ward that fails at once: between N and 2N + 4 starts in N timeouts. */
	@Test
	void theDefaultStartsAWardThatFailsAtOnceOneToTwoTimesATimeout() {
		RestartPolicy policy = RestartPolicy.defaults(Duration.ofSeconds(1));
		for (double random : new double[] {0.0, 0.25, 0.5, 0.75, 0.999_999}) {
			for (int timeouts = 1; timeouts <= 100; timeouts++) {
				long horizon = Duration.ofSeconds(timeouts).toNanos();
				long at = 0;
				int starts = 1;
				for (int restart = 1; ; restart++) {
					at += policy.backoff(restart, random).toNanos();
					if (at > horizon) {
						break;
					}
					starts++;
				}
				assertThat(starts).as("random %s, %d timeouts", random, timeouts).isBetween(timeouts, 2 * timeouts + 4);
			}
		}
	}

	@Test
	void immediateRestartsAtOnceWithoutLimit() {
		RestartPolicy policy = RestartPolicy.immediate();
		assertThat(policy.backoff(1, 0.9)).isZero();
		assertThat(policy.backoff(1_000, 0.1)).isZero();
		assertThat(policy.maxRestarts()).isEqualTo(RestartPolicy.UNLIMITED);
		assertThat(policy.restartOnCompletion()).isTrue();
	}

	@Test
	void backoffDoublesUpToTheMaximum() {
		RestartPolicy policy = RestartPolicy.backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).withJitter(0);
		assertThat(policy.backoff(1, 0.5)).isEqualTo(Duration.ofMillis(100));
		assertThat(policy.backoff(2, 0.5)).isEqualTo(Duration.ofMillis(200));
		assertThat(policy.backoff(4, 0.5)).isEqualTo(Duration.ofMillis(800));
		assertThat(policy.backoff(5, 0.5)).isEqualTo(Duration.ofSeconds(1));
		assertThat(policy.backoff(Integer.MAX_VALUE, 0.5)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void jitterSpreadsTheDelayWithinItsBounds() {
		RestartPolicy policy = RestartPolicy.backoff(Duration.ofMillis(100), Duration.ofSeconds(10)).withJitter(0.5);
		// The third restart's base is 400 ms; jitter moves it by up to 200 ms either way.
		assertThat(policy.backoff(3, 0.0)).isEqualTo(Duration.ofMillis(200));
		assertThat(policy.backoff(3, 0.5)).isEqualTo(Duration.ofMillis(400));
		assertThat(policy.backoff(3, 0.999_999)).isBetween(Duration.ofMillis(599), Duration.ofMillis(600));
		// Never below the first backoff, never above the maximum.
		assertThat(policy.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(100));
		assertThat(policy.backoff(40, 0.999)).isEqualTo(Duration.ofSeconds(10));
	}
}
