package io.gopherflux.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class GopherfluxExceptionTest {

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> new GopherfluxException(null, "u", false, Map.of(), null))
				.withMessage("message");
		assertThatNullPointerException().isThrownBy(() -> new GopherfluxException("m", null, false, Map.of(), null))
				.withMessage("userMessage");
		assertThatNullPointerException().isThrownBy(() -> new GopherfluxException("m", "u", false, null, null))
				.withMessage("context");
		Map<String, Object> nullKey = new HashMap<>();
		nullKey.put(null, 1);
		assertThatNullPointerException().isThrownBy(() -> new GopherfluxException("m", "u", false, nullKey, null))
				.withMessage("context key");
	}

	@Test
	void carriesWhatHappenedWhenAndWhere() {
		Instant before = Instant.now();
		IllegalStateException cause = new IllegalStateException("root");
		Map<String, Object> context = new LinkedHashMap<>();
		context.put("b", 2);
		context.put("a", null);

		GopherfluxException e = new GopherfluxException("disk full", "Disk is full; retry later.", true, context, cause);
		context.put("c", 3);

		assertThat(e).hasMessage("disk full").hasCause(cause);
		assertThat(e.userMessage()).isEqualTo("Disk is full; retry later.");
		assertThat(e.retryable()).isTrue();
		assertThat(e.context()).as("copied, order kept, nulls allowed").containsExactly(Map.entry("b", 2),
				new java.util.AbstractMap.SimpleEntry<>("a", null));
		assertThatThrownBy(() -> e.context().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
		assertThat(e.time()).isBetween(before, Instant.now());
		assertThat(e.id()).matches("[0-9a-z]{12}");
		assertThat(e.getMessage()).doesNotContain("at ");
	}

	@Test
	void idsDifferAndStackHashGroupsTheSameSite() {
		GopherfluxException[] errors = new GopherfluxException[2];
		for (int i = 0; i < 2; i++) {
			errors[i] = new GopherfluxException("m", "u", false, Map.of(), null);
		}
		GopherfluxException elsewhere = new GopherfluxException("m", "u", false, Map.of(), null);

		assertThat(errors[0].id()).isNotEqualTo(errors[1].id());
		assertThat(errors[0].stackHash()).isEqualTo(errors[1].stackHash()).matches("[0-9a-f]{16}");
		assertThat(elsewhere.stackHash()).isNotEqualTo(errors[0].stackHash());
	}
}
