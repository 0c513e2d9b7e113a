package io.gopherflux.server.internal.http;

import java.time.Duration;
import java.util.Set;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.gopherflux.server.http.ProblemException;

class QueryParametersTest {

	private static final Set<String> KNOWN = Set.of("count", "from", "timeout", "rate");

	static QueryParameters query(String query) {
		return QueryParameters.parse("/streams/integers?" + query, KNOWN);
	}

	/** Asserts a 400 problem whose parameter member is {@code name} and whose detail names it too. */
	static void assertBadParameter(ThrowingCallable call, String name, String... detailParts) {
		assertThatThrownBy(call).isInstanceOfSatisfying(ProblemException.class, e -> {
			assertThat(e.problem().status()).isEqualTo(400);
			assertThat(e.problem().kind()).isEqualTo("bad-parameter");
			assertThat(e.problem().extensions()).containsEntry("parameter", name);
			assertThat(e.problem().detail()).contains(name);
			for (String part : detailParts) {
				assertThat(e.problem().detail()).contains(part);
			}
		});
	}

	@Test
	void anUnknownParameterIsRefusedNamingItAndTheKnownOnes() {
		assertBadParameter(() -> query("cuont=5"), "cuont", "unknown parameter 'cuont'", "count, from, rate, timeout");
	}

	@Test
	void anEndpointWithoutParametersSaysSo() {
		assertBadParameter(() -> QueryParameters.parse("/health?verbose=1", Set.of()), "verbose", "takes none");
	}

	@Test
	void aRepeatedParameterIsRefused() {
		assertBadParameter(() -> query("count=1&count=2"), "count", "given 2 times");
		assertBadParameter(() -> query("from=1&count=1&from=1&from=1"), "from", "given 3 times");
	}

	@ParameterizedTest
	@ValueSource(strings = {"count=%zz", "count=%", "count=5&from=%4"})
	void aMalformedQueryIsABadQuery(String query) {
		assertBadParameter(() -> query(query), "query", "malformed");
	}

	@Test
	void noQueryMeansEveryDefault() {
		QueryParameters parameters = QueryParameters.parse("/streams/integers", KNOWN);

		assertThat(parameters.text("count")).isNull();
		assertThat(parameters.integer("count", 10, 1, 100)).isEqualTo(10);
		assertThat(parameters.duration("timeout", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(1)))
				.isEqualTo(Duration.ofSeconds(1));
		assertThat(parameters.positive("rate", 5.5, 100)).isEqualTo(5.5);
	}

	@Test
	void valuesAreDecoded() {
		QueryParameters parameters = query("count=%2B42&from=-3");

		assertThat(parameters.text("count")).isEqualTo("+42");
		assertThat(parameters.integer("count", 0, 0, 100)).isEqualTo(42);
		assertThat(parameters.integer("from", 0, -10, 10)).isEqualTo(-3);
	}

	@ParameterizedTest
	@ValueSource(strings = {"%2042", "42%20", "%0942", "%0A42", "42%00", "4%202", "%E2%80%8342"})
	void aPaddedIntegerIsABadParameter(String value) {
		assertBadParameter(() -> query("count=" + value).integer("count", 10, 0, 100), "count", "whole number");
	}

	@ParameterizedTest
	@ValueSource(strings = {"%201", "1%20", "0x1p3", "1d", "1f", "1_0", "%2B%2B1", ".", "1e", "%D9%A1"})
	void aNumberThatIsNotAPlainDecimalIsABadParameter(String value) {
		assertBadParameter(() -> query("rate=" + value).positive("rate", 1, 100), "rate", "greater than 0");
	}

	@ParameterizedTest
	@ValueSource(strings = {"%201s", "1s%20", "%091s"})
	void aPaddedDurationIsABadParameter(String value) {
		assertBadParameter(() -> query("timeout=" + value).duration("timeout", Duration.ofSeconds(1),
				Duration.ofMillis(10), Duration.ofMinutes(1)), "timeout", "a duration");
	}

	@Test
	void aSemicolonIsNoSeparatorAndIsRefusedNamingItsParameter() {
		assertBadParameter(() -> query("count=5;from=3"), "count", "';'", "'&'");
		assertBadParameter(() -> query("from=1&count=5;rate=3"), "count", "';'");
		assertBadParameter(() -> query(";count=5"), "query", "';'");
		assertBadParameter(() -> query("count;=5"), "query", "';'");
		assertThat(query("from=%3B").text("from")).as("an encoded ';' is a character of the value").isEqualTo(";");
	}

	@Test
	void integerBoundsAreInclusive() {
		assertThat(query("count=1").integer("count", 10, 1, 100)).isEqualTo(1);
		assertThat(query("count=100").integer("count", 10, 1, 100)).isEqualTo(100);
		assertThat(query("count=9223372036854775807").integer("count", 0, 0, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
	}

	@ParameterizedTest
	@ValueSource(strings = {"0", "101", "-1", "abc", "1.5", "1e3", "0x10", "99999999999999999999",
			"-9223372036854775809", "", "%2B%2B1"})
	void anIntegerOutsideItsBoundsOrNotOneIsABadParameter(String value) {
		assertBadParameter(() -> query("count=" + value).integer("count", 10, 1, 100), "count",
				"whole number from 1 to 100");
	}

	@Test
	void aParameterWithoutAValueIsABadParameterNotAServerError() {
		assertBadParameter(() -> query("count").integer("count", 10, 1, 100), "count", "was ''");
		assertBadParameter(() -> query("count=").integer("count", 10, 1, 100), "count", "was ''");
		assertBadParameter(() -> query("timeout=").duration("timeout", Duration.ofSeconds(1), Duration.ZERO,
				Duration.ofMinutes(1)), "timeout");
		assertBadParameter(() -> query("rate").positive("rate", 1, 10), "rate");
	}

	@Test
	void durationsParse() {
		Duration min = Duration.ofMillis(10);
		Duration max = Duration.ofMinutes(1);

		assertThat(query("timeout=250ms").duration("timeout", null, min, max)).isEqualTo(Duration.ofMillis(250));
		assertThat(query("timeout=2s").duration("timeout", null, min, max)).isEqualTo(Duration.ofSeconds(2));
		assertThat(query("timeout=1m").duration("timeout", null, min, max)).isEqualTo(max);
		assertThat(query("timeout=10ms").duration("timeout", null, min, max)).isEqualTo(min);
	}

	@ParameterizedTest
	@ValueSource(strings = {"9ms", "61s", "2m", "1h", "abc", "5", "-1s", "1.5s", "2S", "s", "1d"})
	void aDurationOutsideItsBoundsOrNotOneIsABadParameter(String value) {
		assertBadParameter(() -> query("timeout=" + value).duration("timeout", Duration.ofSeconds(1),
				Duration.ofMillis(10), Duration.ofMinutes(1)), "timeout",
				"a duration from 10ms to 1m", "250ms", "was '" + value + "'");
	}

	@Test
	void positiveNumbersParse() {
		assertThat(query("rate=0.5").positive("rate", 1, 100)).isEqualTo(0.5);
		assertThat(query("rate=100").positive("rate", 1, 100)).isEqualTo(100);
		assertThat(query("rate=1e2").positive("rate", 1, 100)).isEqualTo(100);
		assertThat(query("rate=4.9E-324").positive("rate", 1, 100)).isEqualTo(Double.MIN_VALUE);
	}

	@ParameterizedTest
	@ValueSource(strings = {"NaN", "Infinity", "-Infinity", "0", "0.0", "-0", "-1", "100.0001", "1e400", "abc", ""})
	void aNumberNotPositiveFiniteAndAtMostMaxIsABadParameter(String value) {
		assertBadParameter(() -> query("rate=" + value).positive("rate", 1, 100), "rate",
				"greater than 0 and at most 100");
	}
}
