package io.gopherflux.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Instant;

import io.gopherflux.errors.GopherfluxException;
import org.junit.jupiter.api.Test;

class RateLimitExceptionTest {

	@Test
	void burstExceededSaysWhatAndIsNotRetryable() {
		BurstExceededException e = new BurstExceededException("api", 5, 2);
		assertThat(e).isInstanceOf(RateLimitException.class).isInstanceOf(GopherfluxException.class)
				.hasMessage("rate limiter 'api' cannot grant 5 permits at once: its burst is 2");
		assertThat(e.retryable()).isFalse();
		assertThat(e.context()).containsEntry("limiter", "api").containsEntry("permits", 5).containsEntry("burst", 2);
		assertThat(e.userMessage()).contains("retrying will not help");
	}

	@Test
	void waitPastTheDeadlineSaysHowLongAndIsRetryable() {
		WaitPastDeadlineException e = WaitPastDeadlineException.pastDeadline("api", 1, 2_000_000_000L, 500_000_000L);
		assertThat(e).hasMessage("rate limiter 'api' would make 1 permit(s) wait PT2S, longer than the PT0.5S left before the deadline");
		assertThat(e.retryable()).isTrue();
		assertThat(e.bound()).isEqualTo(WaitPastDeadlineException.Bound.DEADLINE);
		assertThat(e.context()).containsEntry("waitNanos", 2_000_000_000L).containsEntry("allowedNanos", 500_000_000L);
	}

	/** Issue 13: a refusal because of maxWait said "left before the deadline" when there was no deadline. */
	@Test
	void waitPastTheMaximumSaysSoWithoutMentioningADeadline() {
		WaitPastDeadlineException e = WaitPastDeadlineException.pastMaxWait("api", 2, 2_000_000_000L, 500_000_000L);
		assertThat(e).hasMessage("rate limiter 'api' would make 2 permit(s) wait PT2S, longer than the maxWait of PT0.5S");
		assertThat(e.retryable()).isTrue();
		assertThat(e.bound()).isEqualTo(WaitPastDeadlineException.Bound.MAX_WAIT);
		assertThat(e.context()).containsEntry("permits", 2).containsEntry("allowedNanos", 500_000_000L);
	}

	@Test
	void deadlinePassedSaysWhenAndIsRetryable() {
		Instant deadline = Instant.parse("2026-01-01T00:00:00Z");
		WaitPastDeadlineException e = WaitPastDeadlineException.deadlinePassed("api", 1, deadline, deadline.plusMillis(5));
		assertThat(e).hasMessage("rate limiter 'api' was asked for 1 permit(s) at 2026-01-01T00:00:00.005Z, when the deadline"
				+ " 2026-01-01T00:00:00Z had passed");
		assertThat(e.retryable()).isTrue();
		assertThat(e.bound()).isEqualTo(WaitPastDeadlineException.Bound.DEADLINE);
		assertThat(e.context()).containsEntry("deadline", deadline);
	}

	@Test
	void nullNamesAreRejected() {
		assertThatNullPointerException().isThrownBy(() -> WaitPastDeadlineException.pastMaxWait(null, 1, 1, 1)).withMessage("limiter");
		assertThatNullPointerException().isThrownBy(() -> WaitPastDeadlineException.pastDeadline(null, 1, 1, 1)).withMessage("limiter");
		assertThatNullPointerException().isThrownBy(() -> WaitPastDeadlineException.deadlinePassed("api", 1, null, Instant.EPOCH))
				.withMessage("deadline");
	}

	@Test
	void permitsDeniedIsNotRetryable() {
		PermitsDeniedException e = new PermitsDeniedException("api", 1);
		assertThat(e).hasMessageContaining("'api'").hasMessageContaining("rate is zero");
		assertThat(e.retryable()).isFalse();
		assertThat(e.context()).containsEntry("permits", 1);
	}
}
