package io.gopherflux.server.http;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class ProblemExceptionTest {

	@Test
	void nullArgumentsAreRefusedByName() {
		Problem problem = Problem.of(400, "k", "t", "d");
		assertThatNullPointerException().isThrownBy(() -> new ProblemException(null)).withMessage("problem");
		assertThatNullPointerException().isThrownBy(() -> new ProblemException(problem, null)).withMessage("headers");
	}

	@Test
	void itIsAnAnswerWithoutAStackTrace() {
		ProblemException e = ProblemException.badParameter("count", "count must be positive");

		assertThat(e).hasMessage("count must be positive").hasNoCause();
		assertThat(e.getStackTrace()).isEmpty();
		assertThat(e.problem()).isEqualTo(Problem.badParameter("count", "count must be positive"));
		assertThat(e.headers()).isEmpty();
	}

	@Test
	void itCarriesACopyOfItsHeadersAndItsCause() {
		Map<String, String> headers = new HashMap<>(Map.of("Retry-After", "3"));
		IllegalStateException cause = new IllegalStateException("redis down");
		ProblemException e = new ProblemException(Problem.of(503, "unavailable", "Unavailable", "later"), headers, cause);
		headers.put("X-Other", "1");

		assertThat(e.headers()).containsExactly(Map.entry("Retry-After", "3"));
		assertThat(e).hasCause(cause);
	}
}
