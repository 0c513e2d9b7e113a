package io.gopherflux.server.internal.live;

import io.gopherflux.server.http.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IndexFormatTest {

	/** What Chromium and Firefox send when navigating to a page. */
	static final String CHROMIUM = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
			+ "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
	static final String FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

	@Test
	void noAcceptIsJson() {
		assertThat(IndexFormat.negotiate(null)).isSameAs(IndexFormat.JSON);
	}

	@ParameterizedTest(name = "Accept: {0} -> {1}")
	@CsvSource(delimiter = '|', value = {
			"''|JSON",
			"' , ,'|JSON",
			"*/*|JSON",
			"application/json|JSON",
			"application/*|JSON",
			"text/html|HTML",
			"TEXT/HTML|HTML",
			"text/*|HTML",
			"text/html;level=1|HTML",
			"text/html, */*|HTML",
			"text/html, application/json|JSON",
			"application/json, text/html|JSON",
			"text/html;q=0.9, application/json|JSON",
			"text/html, application/json;q=0.9|HTML",
			"text/html;Q=0.5, application/json;q=0.4|HTML",
			"text/html;q=0, */*|JSON",
			"application/json;q=0, */*|HTML",
			"text/*;q=0.5, text/html;q=1, application/json;q=0.8|HTML",
			"text/html;q=1, text/*;q=0.1, application/json;q=0.8|HTML",
			"text/event-stream, */*;q=0.1|JSON",
			"image/png, */*;q=0.5|JSON",
			";, text/html|HTML",
			"text/html;q=x, application/json;q=0.9|HTML",
			"text/html;q=7, application/json;q=0.9|HTML",
	})
	void acceptChoosesHtmlOnlyWhenItPrefersIt(String accept, IndexFormat expected) {
		assertThat(IndexFormat.negotiate(accept)).isSameAs(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = {CHROMIUM, FIREFOX})
	void aBrowserNavigatingGetsThePage(String accept) {
		assertThat(IndexFormat.negotiate(accept)).isSameAs(IndexFormat.HTML);
	}

	@Test
	void whatFetchAndEventSourceSendGetsJson() {
		assertThat(IndexFormat.negotiate("*/*")).as("fetch()").isSameAs(IndexFormat.JSON);
		assertThat(IndexFormat.negotiate("text/event-stream, */*;q=0.1")).isSameAs(IndexFormat.JSON);
	}

	@ParameterizedTest
	@ValueSource(strings = {"image/png", "text/event-stream", "application/x-ndjson", "text/html;q=0, application/json;q=0",
			"*/*;q=0", ";", ";;, /", "html", "text/plain, application/xml"})
	void anAcceptAllowingNeitherIs406(String accept) {
		assertThatThrownBy(() -> IndexFormat.negotiate(accept))
				.isInstanceOfSatisfying(ProblemException.class, e -> {
					assertThat(e.problem().status()).isEqualTo(406);
					assertThat(e.problem().kind()).isEqualTo("not-acceptable");
					assertThat(e.problem().detail()).contains("application/json").contains("text/html")
							.contains("'" + accept + "'");
				});
	}

	@Test
	void contentTypesNameTheCharsetOfTheHtml() {
		assertThat(IndexFormat.JSON.contentType()).isEqualTo("application/json");
		assertThat(IndexFormat.HTML.contentType()).isEqualTo("text/html; charset=utf-8");
	}
}
