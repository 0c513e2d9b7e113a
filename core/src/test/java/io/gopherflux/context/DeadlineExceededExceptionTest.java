package io.gopherflux.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DeadlineExceededExceptionTest {

	private static final Instant DEADLINE = Instant.parse("2024-01-01T00:00:01Z");
	private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> DeadlineExceededException.passed(null, DEADLINE, NOW))
				.withMessage("operation");
		assertThatNullPointerException().isThrownBy(() -> DeadlineExceededException.passed("op", null, NOW))
				.withMessage("deadline");
		assertThatNullPointerException().isThrownBy(() -> DeadlineExceededException.passed("op", DEADLINE, null))
				.withMessage("now");
		assertThatNullPointerException()
				.isThrownBy(() -> DeadlineExceededException.wouldPass("op", DEADLINE, NOW, null))
				.withMessage("wait");
	}

	@Test
	void wouldPassNamesTheWaitAndTheDeadline() {
		DeadlineExceededException e = DeadlineExceededException.wouldPass("acquire", DEADLINE, NOW, Duration.ofMinutes(1));

		assertThat(e).hasMessage("acquire: waiting PT1M from 2024-01-01T00:00:00Z would pass the deadline 2024-01-01T00:00:01Z");
		assertThat(e.deadline()).isEqualTo(DEADLINE);
		assertThat(e.retryable()).isTrue();
		assertThat(e.userMessage()).isEqualTo("The request ran out of time; retrying may help.");
		assertThat(e.context()).containsExactly(Map.entry("operation", "acquire"), Map.entry("deadline", DEADLINE),
				Map.entry("now", NOW), Map.entry("wait", Duration.ofMinutes(1)));
	}
}
