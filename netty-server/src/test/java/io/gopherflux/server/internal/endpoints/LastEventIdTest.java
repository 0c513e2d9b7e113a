package io.gopherflux.server.internal.endpoints;

import io.gopherflux.server.http.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LastEventIdTest {

	@Test
	void anIdOfTheStreamIsRead() {
		assertThat(LastEventId.parse("3", 3, 6)).isEqualTo(3);
		assertThat(LastEventId.parse("6", 3, 6)).isEqualTo(6);
		assertThat(LastEventId.parse("-2", -5, 0)).isEqualTo(-2);
	}

	@ParameterizedTest
	@ValueSource(strings = {"2", "7", "x", "", " 4", "4.0", "99999999999999999999", "0x4"})
	void anythingElseIsABadParameterNamingTheHeader(String text) {
		assertThatThrownBy(() -> LastEventId.parse(text, 3, 6)).isInstanceOfSatisfying(ProblemException.class, e -> {
			assertThat(e.problem().status()).isEqualTo(400);
			assertThat(e.problem().extensions()).containsEntry("parameter", "Last-Event-ID");
			assertThat(e.problem().detail()).contains("from 3 to 6").contains("'" + text + "'");
		});
	}

	@Test
	void aStreamWithoutEventsHasNoIdToResumeAfter() {
		assertThatThrownBy(() -> LastEventId.parse("0", 0, -1)).isInstanceOfSatisfying(ProblemException.class,
				e -> assertThat(e.problem().detail()).contains("has none"));
	}
}
