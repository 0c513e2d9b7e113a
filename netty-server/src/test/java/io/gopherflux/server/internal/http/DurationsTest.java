package io.gopherflux.server.internal.http;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class DurationsTest {

	@Test
	void nullIsRefused() {
		assertThatNullPointerException().isThrownBy(() -> Durations.parse(null)).withMessage("text");
	}

	@ParameterizedTest(name = "{0} = {1}")
	@CsvSource({"250ms, PT0.25S", "0ms, PT0S", "0s, PT0S", "10s, PT10S", "1m, PT1M", "90m, PT1H30M", "2h, PT2H",
			"' 3s ', PT3S", "999999999ms, PT277H46M39.999S", "999999999h, PT999999999H"})
	void aWholeNumberAndAUnitParse(String text, Duration expected) {
		assertThat(Durations.parse(text)).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = {"", " ", "5", "ms", "1.5s", "-1s", "+1s", "1S", "1 s", "1d", "1us", "1000000000ms", "1m30s",
			"PT1S", "٣s"})
	void anythingElseIsRefusedQuotingIt(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text))
				.withMessageContaining("was '" + text + "'").withMessageContaining("ms, s, m or h");
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({"PT0S, 0s", "PT0.001S, 1ms", "PT0.25S, 250ms", "PT1.5S, 1500ms", "PT1S, 1s", "PT59S, 59s", "PT60S, 1m",
			"PT90S, 90s", "PT30M, 30m", "PT60M, 1h", "PT61M, 61m", "PT25H, 25h", "PT1H0.5S, 3600500ms"})
	void formatWritesTheShortestExactForm(Duration duration, String text) {
		assertThat(Durations.format(duration)).isEqualTo(text);
		assertThat(Durations.parse(text)).isEqualTo(duration);
	}

	@Test
	void whatTheFormsCannotStateIsIso8601() {
		assertThat(Durations.format(Duration.ofNanos(1))).isEqualTo("PT0.000000001S");
		assertThat(Durations.format(Duration.ofNanos(1_500_000))).isEqualTo("PT0.0015S");
		assertThat(Durations.format(Duration.ofSeconds(-1))).isEqualTo("PT-1S");
		assertThat(Durations.format(Duration.ofMillis(-250))).isEqualTo("PT-0.25S");
	}
}
