package io.gopherflux.server.limit;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class QuotaTest {

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> new Quota(null, 1, Duration.ofSeconds(1))).withMessage("name");
		assertThatNullPointerException().isThrownBy(() -> new Quota("a", 1, null)).withMessage("window");
		assertThatNullPointerException().isThrownBy(() -> Quota.parse(null)).withMessage("spec");
	}

	@Test
	void aSpecParses() {
		Quota quota = Quota.parse("per-second:10/1s");

		assertThat(quota).isEqualTo(new Quota("per-second", 10, Duration.ofSeconds(1)));
		assertThat(quota.windowSeconds()).isEqualTo(1);
	}

	@Test
	void aSpecMayBeSurroundedBySpaceAndUseAnyDurationUnit() {
		assertThat(Quota.parse(" per-minute:100/1m ")).isEqualTo(new Quota("per-minute", 100, Duration.ofMinutes(1)));
		assertThat(Quota.parse("daily:5000/24h").windowSeconds()).isEqualTo(86_400);
		assertThat(Quota.parse("burst:3/2000ms").window()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void itReadsBackAsItsSpecInSeconds() {
		assertThat(Quota.parse("per-minute:100/1m")).hasToString("per-minute:100/60s");
		assertThat(Quota.parse(Quota.parse("per-minute:100/1m").toString()))
				.isEqualTo(Quota.parse("per-minute:100/1m"));
	}

	@Test
	void itsTierIsATokenBucketOfTheQuotaRefilledOverTheWindow() {
		Quota quota = Quota.parse("per-minute:120/1m");

		assertThat(quota.tier().name()).isEqualTo("per-minute");
		assertThat(quota.tier().burst()).isEqualTo(120);
		assertThat(quota.tier().limit().perSecond()).isEqualTo(2.0);
	}

	@ParameterizedTest
	@ValueSource(strings = {"", "per-second", "per-second:10", "per-second10/1s", ":10/1s", "per-second:/1s",
			"per-second:ten/1s", "per-second:-1/1s", "per-second:1.5/1s", "per-second:1234567890/1s", "per-second:10/"})
	void aMalformedSpecIsRefusedQuotingIt(String spec) {
		assertThatIllegalArgumentException().isThrownBy(() -> Quota.parse(spec)).withMessageContaining("'" + spec + "'");
	}

	@ParameterizedTest
	@ValueSource(strings = {"1", "1x", "1S", "1.5s", "s"})
	void aMalformedWindowIsRefusedQuotingIt(String window) {
		assertThatIllegalArgumentException().isThrownBy(() -> Quota.parse("per-second:10/" + window))
				.withMessageContaining("'" + window + "'").withMessageContaining("duration");
	}

	@ParameterizedTest
	@ValueSource(strings = {"Per-second:10/1s", "1st:10/1s", "-a:10/1s", "per_second:10/1s", "per second:10/1s",
			"abcdefghijklmnopqrstuvwxyzabcdefg:1/1s"})
	void aBadNameIsRefused(String spec) {
		assertThatIllegalArgumentException().isThrownBy(() -> Quota.parse(spec)).withMessageContaining("quota name");
	}

	@Test
	void aNameOfThirtyTwoCharactersIsFine() {
		assertThat(Quota.parse("abcdefghijklmnopqrstuvwxyzabcdef:1/1s").name()).hasSize(32);
	}

	@Test
	void aQuotaBelowOneIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Quota.parse("per-second:0/1s"))
				.withMessageContaining("'per-second'").withMessageContaining("at least 1");
		assertThatIllegalArgumentException().isThrownBy(() -> new Quota("a", -1, Duration.ofSeconds(1)))
				.withMessageContaining("-1");
	}

	@ParameterizedTest
	@ValueSource(strings = {"a:1/0s", "a:1/999ms", "a:1/1500ms"})
	void aWindowThatIsNotWholeSecondsIsRefused(String spec) {
		assertThatIllegalArgumentException().isThrownBy(() -> Quota.parse(spec))
				.withMessageContaining("window of 'a'").withMessageContaining("whole number of seconds");
	}

	@Test
	void aNegativeWindowIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Quota("a", 1, Duration.ofSeconds(-5)))
				.withMessageContaining("window of 'a'");
	}
}
