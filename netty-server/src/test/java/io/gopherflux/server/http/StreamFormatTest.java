package io.gopherflux.server.http;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.gopherflux.server.internal.http.Json;

class StreamFormatTest {

	@ParameterizedTest
	@ValueSource(strings = {"xml", "", "json", "sse ", "event-stream", "text/event-stream"})
	void anUnknownFormatParameterIsABadParameterNamingFormat(String value) {
		assertThatThrownBy(() -> StreamFormat.negotiate(value, null))
				.isInstanceOfSatisfying(ProblemException.class, e -> {
					assertThat(e.problem().status()).isEqualTo(400);
					assertThat(e.problem().kind()).isEqualTo("bad-parameter");
					assertThat(e.problem().extensions()).containsEntry("parameter", "format");
					assertThat(e.problem().detail()).contains("format").contains("'" + value + "'");
				});
	}

	@ParameterizedTest
	@CsvSource({"sse,SSE", "SSE,SSE", "Sse,SSE", "ndjson,NDJSON", "NDJSON,NDJSON", "NdJson,NDJSON"})
	void theFormatParameterChoosesIgnoringCase(String value, StreamFormat expected) {
		assertThat(StreamFormat.negotiate(value, null)).isSameAs(expected);
	}

	@Test
	void theFormatParameterWinsOverAccept() {
		assertThat(StreamFormat.negotiate("sse", "application/x-ndjson")).isSameAs(StreamFormat.SSE);
		assertThat(StreamFormat.negotiate("ndjson", "text/event-stream")).isSameAs(StreamFormat.NDJSON);
		// Even an Accept that allows neither: the parameter is the client's explicit choice.
		assertThat(StreamFormat.negotiate("sse", "text/html")).isSameAs(StreamFormat.SSE);
	}

	@ParameterizedTest(name = "Accept: {0} -> {1}")
	@CsvSource(delimiter = '|', value = {
			"''|NDJSON",
			"'   '|NDJSON",
			"*/*|NDJSON",
			"text/event-stream|SSE",
			"TEXT/Event-Stream|SSE",
			"application/x-ndjson|NDJSON",
			"text/event-stream; charset=utf-8|SSE",
			"text/*|SSE",
			"application/*|NDJSON",
			"text/html, text/event-stream|SSE",
			"text/event-stream, application/x-ndjson|NDJSON",
			"application/x-ndjson, text/event-stream|NDJSON",
			"text/event-stream;q=0.9, application/x-ndjson;q=0.8|SSE",
			"text/event-stream;q=0.5, application/x-ndjson|NDJSON",
			"application/x-ndjson;q=0.2, */*;q=0.1|NDJSON",
			"text/event-stream, */*|SSE",
			"*/*, text/event-stream|SSE",
			"text/*, */*|SSE",
			"application/*, */*|NDJSON",
			"*/*;q=0.5, text/event-stream;q=0.5|SSE",
			"text/event-stream;q=0, */*|NDJSON",
			"application/x-ndjson;q=0, */*|SSE",
			"application/x-ndjson;q=0, text/*;q=0.1|SSE",
			"text/event-stream;q=0.8, */*;q=0.9|NDJSON",
			"text/event-stream;q=oops|SSE",
			"text/event-stream;q=7, application/x-ndjson;q=0.9|SSE",
			"garbage, text/event-stream|SSE",
			"text/event-stream;Q=0, */*|NDJSON",
			"text/event-stream ; q=0.3 , application/x-ndjson ; q=0.2|SSE",
			"';, text/event-stream'|SSE",
			"'text/event-stream;'|SSE",
			"', , text/event-stream,'|SSE",
			"',,'|NDJSON",
			"' , '|NDJSON",
			"'/, text/event-stream'|SSE",
			"'text/, */*'|NDJSON"
	})
	void acceptChoosesThePreferredFormat(String accept, StreamFormat expected) {
		assertThat(StreamFormat.negotiate(null, accept)).isSameAs(expected);
	}

	@Test
	void noAcceptMeansNdjson() {
		assertThat(StreamFormat.negotiate(null, null)).isSameAs(StreamFormat.NDJSON);
	}

	@ParameterizedTest
	@ValueSource(strings = {"text/html", "application/json", "image/*", "*/*;q=0",
			"text/event-stream;q=0, application/x-ndjson;q=0", "text/*;q=0, application/*;q=0.0", "garbage",
			";", ";;", "; q=1", ",;,", "/", "text/", "/event-stream", ";text/event-stream"})
	void acceptAllowingNeitherIsNotAcceptable(String accept) {
		assertThatThrownBy(() -> StreamFormat.negotiate(null, accept))
				.isInstanceOfSatisfying(ProblemException.class, e -> {
					assertThat(e.problem().status()).isEqualTo(406);
					assertThat(e.problem().kind()).isEqualTo("not-acceptable");
					assertThat(e.problem().detail()).contains("'" + accept + "'")
							.contains("text/event-stream").contains("application/x-ndjson");
				});
	}

	@Test
	void eachFormatNamesItsMediaTypeAndParameter() {
		assertThat(StreamFormat.SSE.mediaType()).isEqualTo("text/event-stream");
		assertThat(StreamFormat.SSE.parameterValue()).isEqualTo("sse");
		assertThat(StreamFormat.NDJSON.mediaType()).isEqualTo("application/x-ndjson");
		assertThat(StreamFormat.NDJSON.parameterValue()).isEqualTo("ndjson");
	}

	@Test
	void sseFramesANamedEvent() {
		assertThat(framed(StreamFormat.SSE, "pulse", out -> out.writeCharSequence("{}", StandardCharsets.US_ASCII)))
				.isEqualTo("event: pulse\ndata: {}\n\n");
	}

	@Test
	void sseFramesAPlainDataElementWithoutAnEventLine() {
		assertThat(framed(StreamFormat.SSE, null, out -> out.writeCharSequence("{\"value\":1}", StandardCharsets.US_ASCII)))
				.isEqualTo("data: {\"value\":1}\n\n");
	}

	@Test
	void ndjsonWritesOneLinePerElementAndNoEventName() {
		assertThat(framed(StreamFormat.NDJSON, "pulse", out -> out.writeCharSequence("{}", StandardCharsets.US_ASCII)))
				.isEqualTo("{}\n");
		assertThat(framed(StreamFormat.NDJSON, null, out -> out.writeCharSequence("{\"a\":2}", StandardCharsets.US_ASCII)))
				.isEqualTo("{\"a\":2}\n");
	}

	private static String framed(StreamFormat format, String event, Consumer<ByteBuf> body) {
		ByteBuf out = Unpooled.buffer();
		try {
			format.begin(out, event == null ? null : Json.ascii(event));
			body.accept(out);
			format.end(out);
			return out.toString(StandardCharsets.US_ASCII);
		}
		finally {
			out.release();
		}
	}

	@Test
	void anEventIdIsAnSseIdLineAndNothingInNdjson() {
		ByteBuf sse = Unpooled.buffer();
		ByteBuf ndjson = Unpooled.buffer();
		try {
			StreamFormat.SSE.begin(sse, Json.ascii("value"), 42);
			sse.writeBytes(Json.ascii("{}"));
			StreamFormat.SSE.end(sse);
			StreamFormat.NDJSON.begin(ndjson, null, 42);
			ndjson.writeBytes(Json.ascii("{}"));
			StreamFormat.NDJSON.end(ndjson);

			assertThat(sse.toString(StandardCharsets.US_ASCII)).isEqualTo("id: 42\nevent: value\ndata: {}\n\n");
			assertThat(ndjson.toString(StandardCharsets.US_ASCII)).isEqualTo("{}\n");
		}
		finally {
			sse.release();
			ndjson.release();
		}
	}
}
