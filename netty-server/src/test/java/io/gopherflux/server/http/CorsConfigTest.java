package io.gopherflux.server.http;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class CorsConfigTest {

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> new CorsConfig(null, false)).withMessage("origins");
		assertThatNullPointerException().isThrownBy(() -> CorsConfig.parse(null)).withMessage("text");
	}

	@Test
	void noneAllowsNothing() {
		assertThat(CorsConfig.none().enabled()).isFalse();
		assertThat(CorsConfig.none().allows("http://a.example")).isFalse();
		assertThat(CorsConfig.parse("  ")).isEqualTo(CorsConfig.none());
		assertThat(CorsConfig.parse(" , ")).isEqualTo(CorsConfig.none());
	}

	@Test
	void originsAreMatchedExactlyIgnoringCase() {
		CorsConfig config = CorsConfig.parse("https://App.Example.com, http://localhost:3000");

		assertThat(config.origins()).isEqualTo(Set.of("https://app.example.com", "http://localhost:3000"));
		assertThat(config.allows("https://app.example.com")).isTrue();
		assertThat(config.allows("HTTPS://APP.EXAMPLE.COM")).isTrue();
		assertThat(config.allows("http://app.example.com")).as("another scheme").isFalse();
		assertThat(config.allows("https://app.example.com:443")).as("another spelling is another origin").isFalse();
		assertThat(config.allows("http://localhost:3001")).isFalse();
		assertThat(config.allows("null")).isFalse();
		assertThat(config.allows(null)).isFalse();
	}

	@Test
	void aStarAllowsEveryOrigin() {
		CorsConfig any = CorsConfig.parse("*");

		assertThat(any.anyOrigin()).isTrue();
		assertThat(any.enabled()).isTrue();
		assertThat(any.allows("http://anything.example")).isTrue();
		assertThat(any.allows(null)).as("no Origin, no CORS").isFalse();
		assertThat(any).isEqualTo(CorsConfig.any());
	}

	@ParameterizedTest
	@ValueSource(strings = {"https://a.example/", "https://a.example/path", "a.example", "//a.example", "null",
			"https://a example", "https://a.example:123456", "https://user@a.example", "https://a.example?x"})
	void anOriginThatIsNotSchemeHostAndPortIsRefusedQuotingIt(String origin) {
		assertThatIllegalArgumentException().isThrownBy(() -> CorsConfig.parse(origin))
				.withMessageContaining("'" + origin + "'").withMessageContaining("scheme://host");
	}

	@Test
	void aStarAmongOriginsIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CorsConfig.parse("*, https://a.example"))
				.withMessageContaining("'*' allows every origin");
	}

	@Test
	void itPrintsAsItIsWritten() {
		assertThat(CorsConfig.none()).hasToString("none");
		assertThat(CorsConfig.any()).hasToString("*");
		assertThat(CorsConfig.of("http://a.example")).hasToString("http://a.example");
	}
}
