package io.gopherflux.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

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
	void waitPastDeadlineSaysHowLongAndIsRetryable() {
		WaitPastDeadlineException e = new WaitPastDeadlineException("api", 1, 2_000_000_000L, 500_000_000L);
		assertThat(e).hasMessage("rate limiter 'api' would make 1 permit(s) wait PT2S, longer than the PT0.5S left before the deadline");
		assertThat(e.retryable()).isTrue();
		assertThat(e.context()).containsEntry("waitNanos", 2_000_000_000L).containsEntry("allowedNanos", 500_000_000L);
	}

	@Test
	void permitsDeniedIsNotRetryable() {
		PermitsDeniedException e = new PermitsDeniedException("api", 1);
		assertThat(e).hasMessageContaining("'api'").hasMessageContaining("rate is zero");
		assertThat(e.retryable()).isFalse();
		assertThat(e.context()).containsEntry("permits", 1);
	}
}
