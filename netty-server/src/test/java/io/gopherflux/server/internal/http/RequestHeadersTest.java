package io.gopherflux.server.internal.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.gopherflux.server.http.ProblemException;

class RequestHeadersTest {

	@Test
	void nullArgumentsAreRefusedByName() {
		HttpHeaders headers = new DefaultHttpHeaders();
		assertThatNullPointerException().isThrownBy(() -> RequestHeaders.single(null, "a")).withMessage("headers");
		assertThatNullPointerException().isThrownBy(() -> RequestHeaders.single(headers, null)).withMessage("name");
		assertThatNullPointerException().isThrownBy(() -> RequestHeaders.list(null, "a")).withMessage("headers");
		assertThatNullPointerException().isThrownBy(() -> RequestHeaders.list(headers, null)).withMessage("name");
	}

	@Test
	void anAbsentFieldIsNull() {
		assertThat(RequestHeaders.single(new DefaultHttpHeaders(), "X-Api-Key")).isNull();
		assertThat(RequestHeaders.list(new DefaultHttpHeaders(), "Accept")).isNull();
	}

	@Test
	void aSingleFieldIsItsValueAndRepeatsThatAgreeAreOne() {
		HttpHeaders headers = new DefaultHttpHeaders().add("X-Api-Key", "k1").add("x-api-key", "k1");

		assertThat(RequestHeaders.single(headers, "X-Api-Key")).isEqualTo("k1");
	}

	@Test
	void aSingleFieldSentWithTwoValuesIsABadParameterNamingIt() {
		HttpHeaders headers = new DefaultHttpHeaders().add("X-Api-Key", "k1").add("X-Api-Key", "k2");

		assertThatThrownBy(() -> RequestHeaders.single(headers, "X-Api-Key"))
				.isInstanceOfSatisfying(ProblemException.class, e -> {
					assertThat(e.problem().status()).isEqualTo(400);
					assertThat(e.problem().extensions()).containsEntry("parameter", "X-Api-Key");
					assertThat(e.problem().detail()).contains("X-Api-Key").contains("2 times").doesNotContain("k1");
				});
	}

	@Test
	void aListFieldSentSeveralTimesIsOneList() {
		HttpHeaders headers = new DefaultHttpHeaders().add("Accept", "text/html").add("Accept", "text/event-stream;q=0.5");

		assertThat(RequestHeaders.list(headers, "Accept")).isEqualTo("text/html, text/event-stream;q=0.5");
	}
}
