package io.gopherflux.server.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import io.gopherflux.server.http.Problem;

class HttpConformanceTest {

	/** What the handler passes on, as Reactor Netty would receive it. */
	final List<Object> passed = new ArrayList<>();
	final EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(), new HttpConformance(),
			new ChannelInboundHandlerAdapter() {
				@Override
				public void channelRead(ChannelHandlerContext ctx, Object msg) {
					passed.add(msg);
				}
			});

	@AfterEach
	void release() {
		passed.forEach(ReferenceCountUtil::release);
		channel.finishAndReleaseAll();
	}

	private void receive(String bytes) {
		channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
	}

	/** Everything written to the client so far, as text. */
	private String sent() {
		StringBuilder text = new StringBuilder();
		for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
			ByteBuf buffer = (ByteBuf) out;
			text.append(buffer.toString(StandardCharsets.ISO_8859_1));
			buffer.release();
		}
		return text.toString();
	}

	private static HttpRequest request(HttpVersion version, String... hosts) {
		HttpRequest request = new DefaultFullHttpRequest(version, HttpMethod.GET, "/health");
		for (String host : hosts) {
			request.headers().add("Host", host);
		}
		return request;
	}

	@Test
	void aConformingRequestPassesUnchanged() {
		assertThat(HttpConformance.check(request(HttpVersion.HTTP_1_1, "localhost:8080"))).isNull();
		assertThat(HttpConformance.check(request(HttpVersion.HTTP_1_0))).as("Host is optional in HTTP/1.0").isNull();
		assertThat(HttpConformance.check(request(HttpVersion.HTTP_1_1, "[::1]:80"))).isNull();
		assertThat(HttpConformance.check(request(HttpVersion.HTTP_1_1, ""))).as("an empty Host is allowed").isNull();
	}

	@Test
	void aLaterMinorVersionIsLoweredToHttp11AndThenNeedsAHost() {
		HttpRequest later = request(HttpVersion.valueOf("HTTP/1.7"), "h");

		assertThat(HttpConformance.check(later)).isNull();
		assertThat(later.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
		assertThat(HttpConformance.check(request(HttpVersion.valueOf("HTTP/1.2"))).kind()).isEqualTo("bad-host");
	}

	@ParameterizedTest
	@CsvSource({"HTTP/2.0, 400, unsupported-http-version", "HTTP/0.9, 400, unsupported-http-version",
			"HTTX/1.1, 400, bad-request"})
	void anotherVersionIsRefused(String version, int status, String kind) {
		Problem problem = HttpConformance.check(request(HttpVersion.valueOf(version), "h"));

		assertThat(problem.status()).isEqualTo(status);
		assertThat(problem.kind()).isEqualTo(kind);
	}

	@Test
	void hostMustBeOneHostAndPort() {
		assertThat(HttpConformance.check(request(HttpVersion.HTTP_1_1)).detail()).contains("must have a Host");
		assertThat(HttpConformance.check(request(HttpVersion.HTTP_1_1, "a", "a")).detail()).contains("2 Host fields");
		assertThat(HttpConformance.check(request(HttpVersion.HTTP_1_0, "a", "b")).kind()).isEqualTo("bad-host");
		assertThat(HttpConformance.check(request(HttpVersion.HTTP_1_1, "a", "a", "a")).detail()).contains("3 Host fields");
		for (String bad : List.of("a b", "a/b", "u@a", "a:x", "a:65536", "a:", "::1", "a:1:2", "[::1", "[]", "[::1]x",
				"[::g]", "a:123456", "a:-1", "é")) {
			assertThat(HttpConformance.check(request(HttpVersion.HTTP_1_1, bad))).as(bad).isNotNull();
		}
		for (String good : List.of("a", "localhost:8080", "127.0.0.1:65535", "[::1]", "[::1]:0", "[::FFFF:1.2.3.4]:443",
				"x.example.com", "a-b_c~%20!$&'()*+,;=:00080")) {
			assertThat(HttpConformance.check(request(HttpVersion.HTTP_1_1, good))).as(good).isNull();
		}
	}

	@Test
	void decodingFailuresHaveTheirStatus() {
		assertThat(HttpConformance.decodingFailure(new TooLongHttpLineException("long")).status()).isEqualTo(414);
		assertThat(HttpConformance.decodingFailure(new TooLongHttpHeaderException("big")).status()).isEqualTo(431);
		assertThat(HttpConformance.decodingFailure(new IllegalArgumentException("x".repeat(1000))).detail())
				.as("a long message is cut").hasSizeLessThan(300);
		assertThat(HttpConformance.decodingFailure(null).status()).isEqualTo(400);
	}

	@Test
	void aRefusalIsAProblemThatClosesTheConnectionAndNothingMorePasses() {
		receive("GET /health HTTP/1.1\r\n\r\nGET /health HTTP/1.1\r\nHost: h\r\n\r\n");

		String sent = sent();
		assertThat(sent).startsWith("HTTP/1.1 400 Bad Request\r\n")
				.contains("content-type: application/problem+json")
				.contains("connection: close")
				.contains("\"type\":\"urn:gopherflux:problem:bad-host\"");
		assertThat(passed).as("neither the refused request nor the one after it").isEmpty();
		assertThat(channel.isOpen()).isFalse();
	}

	@Test
	void aRefusalWaitsForTheResponsesBeforeIt() {
		receive("GET /health HTTP/1.1\r\nHost: h\r\n\r\nGET /health HTTP/1.1\r\n\r\n");

		assertThat(passed).hasSizeGreaterThanOrEqualTo(1).first().isInstanceOf(HttpRequest.class);
		assertThat(sent()).as("nothing before the first response").isEmpty();
		assertThat(channel.isOpen()).isTrue();

		DefaultFullHttpResponse first = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
				Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
		first.headers().setInt("Content-Length", 2);
		channel.writeOutbound(first);

		String sent = sent();
		assertThat(sent).startsWith("HTTP/1.1 200 OK\r\n");
		assertThat(sent.substring(sent.indexOf("ok") + 2)).startsWith("HTTP/1.1 400 Bad Request\r\n");
		assertThat(channel.isOpen()).isFalse();
	}

	@Test
	void aMalformedRequestIsRefusedWithItsStatus() {
		receive("GET /" + "x".repeat(5000) + " HTTP/1.1\r\nHost: h\r\n\r\n");

		assertThat(sent()).startsWith("HTTP/1.1 414 Request-URI Too Long\r\n").contains("uri-too-long");
		assertThat(passed).isEmpty();
	}
}
