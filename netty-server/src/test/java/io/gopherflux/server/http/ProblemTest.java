package io.gopherflux.server.http;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProblemTest {

	@Test
	void nullMembersAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> new Problem(400, null, "t", "d", Map.of())).withMessage("kind");
		assertThatNullPointerException().isThrownBy(() -> new Problem(400, "k", null, "d", Map.of())).withMessage("title");
		assertThatNullPointerException().isThrownBy(() -> new Problem(400, "k", "t", null, Map.of())).withMessage("detail");
		assertThatNullPointerException().isThrownBy(() -> new Problem(400, "k", "t", "d", null)).withMessage("extensions");
	}

	@Test
	void theTypeIsAUrnNamingTheKind() {
		assertThat(Problem.of(404, "not-found", "Not found", "no such path").type())
				.isEqualTo("urn:gopherflux:problem:not-found");
	}

	@Test
	void aBadParameterIsA400NamingTheParameter() {
		Problem problem = Problem.badParameter("count", "count must be positive");

		assertThat(problem.status()).isEqualTo(400);
		assertThat(problem.kind()).isEqualTo("bad-parameter");
		assertThat(problem.title()).isEqualTo("Bad request parameter");
		assertThat(problem.extensions()).containsExactly(Map.entry("parameter", "count"));
	}

	@Test
	void theBodyHasTheStandardMembersInOrderThenTheExtensions() {
		Problem problem = Problem.badParameter("count", "count must be positive").with("logId", "abc123").with("limit", 5);

		assertThat(problem.toJson("/streams/integers")).isEqualTo("{\"type\":\"urn:gopherflux:problem:bad-parameter\","
				+ "\"title\":\"Bad request parameter\",\"status\":400,\"detail\":\"count must be positive\","
				+ "\"instance\":\"/streams/integers\",\"parameter\":\"count\",\"logId\":\"abc123\",\"limit\":5}");
	}

	@Test
	void withoutAnInstanceTheMemberIsLeftOut() {
		assertThat(Problem.of(503, "unavailable", "Unavailable", "later").toJson(null))
				.isEqualTo("{\"type\":\"urn:gopherflux:problem:unavailable\",\"title\":\"Unavailable\",\"status\":503,"
						+ "\"detail\":\"later\"}");
	}

	@Test
	void textIsEscaped() {
		Problem problem = Problem.of(400, "bad", "Say \"hi\"", "line 1\nline 2\t\\ \u0001").with("raw", "</script>\"");

		assertThat(problem.toJson("/a\"b")).isEqualTo("{\"type\":\"urn:gopherflux:problem:bad\",\"title\":\"Say \\\"hi\\\"\","
				+ "\"status\":400,\"detail\":\"line 1\\nline 2\\t\\\\ \\u0001\",\"instance\":\"/a\\\"b\","
				+ "\"raw\":\"</script>\\\"\"}");
	}

	@Test
	void anExtensionCannotReplaceAStandardMember() {
		Problem problem = Problem.of(429, "too-many", "Too many", "slow down").with("status", 200).with("type", "x");

		assertThat(problem.toJson(null)).isEqualTo("{\"type\":\"urn:gopherflux:problem:too-many\",\"title\":\"Too many\","
				+ "\"status\":429,\"detail\":\"slow down\"}");
	}

	@Test
	void extensionsAreACopyThatCannotChange() {
		Map<String, Object> extensions = new LinkedHashMap<>();
		extensions.put("b", 1);
		extensions.put("a", 2);
		Problem problem = new Problem(400, "k", "t", "d", extensions);
		extensions.put("c", 3);

		assertThat(problem.extensions()).containsExactly(Map.entry("b", 1), Map.entry("a", 2));
		assertThatThrownBy(() -> problem.extensions().put("d", 4)).isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void withLeavesTheOriginalAsItWas() {
		Problem original = Problem.of(500, "internal", "Internal error", "sorry");
		Problem more = original.with("logId", "x1");

		assertThat(original.extensions()).isEmpty();
		assertThat(more.extensions()).containsExactly(Map.entry("logId", "x1"));
		assertThat(more.with("logId", "x2").extensions()).containsExactly(Map.entry("logId", "x2"));
	}
}
