package io.gopherflux.server.internal.http;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;
import io.gopherflux.server.http.Problem;

/**
 * The HTTP/1.1 rules Netty's decoder leaves to the server, and its failures answered as
 * problem+json. It sits between Netty's codec and Reactor Netty (which would answer a decoding
 * failure with an empty body, take {@code HTTP/1.2} and echo it in the status line, and serve a
 * request without {@code Host}), and refuses, before any route sees it:
 * <ul>
 * <li>a request the decoder could not read: 414 for a request line too long, 431 for header
 * fields too large, 400 for anything else malformed;</li>
 * <li>a version other than {@code HTTP/1.x}: 400 {@code unsupported-http-version} rather than RFC
 * 9110's 505, since a client's mistake is never a server error here ({@code HTTP/1.2} and later
 * minors are served as HTTP/1.1, as RFC 9112 section 2.3 asks);</li>
 * <li>an HTTP/1.1 request without a {@code Host} field, and any request with two, or with a value
 * that is not a host and port: 400 (RFC 9112 section 3.2).</li>
 * </ul>
 * A refusal closes the connection: what follows on it cannot be trusted to be framed as the
 * client meant. When responses to earlier (pipelined) requests are still being written, the
 * refusal waits for them to finish. A request never goes unanswered: it is answered, or the
 * connection closes after the responses before it.
 */
public final class HttpConformance extends ChannelDuplexHandler {

	/** The handler's name in the channel pipeline. */
	public static final String NAME = "gopherflux.httpConformance";

	/** The characters of a registered name or IPv4 address (RFC 3986's reg-name, percent signs included). */
	private static final boolean[] NAME_CHARS = new boolean[128];

	static {
		for (char c : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~%!$&'()*+,;=-".toCharArray()) {
			NAME_CHARS[c] = true;
		}
	}

	private static final int MAX_DETAIL = 200;

	/** Requests passed on whose responses are not yet complete. */
	private int outstanding;
	/** A refusal waiting for the responses before it, or null. */
	private Problem deferred;
	/** Whether the connection is refused: whatever else comes is dropped. */
	private boolean refused;

	/**
	 * Adds a handler to a server channel's pipeline, after the HTTP/1.1 codec; a
	 * {@code doOnChannelInit} callback for Reactor Netty's {@code HttpServer}.
	 */
	public static void install(ConnectionObserver observer, Channel channel, SocketAddress remoteAddress) {
		ChannelPipeline pipeline = channel.pipeline();
		if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
			pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new HttpConformance());
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (refused) {
			ReferenceCountUtil.release(msg);
			return;
		}
		Problem problem = null;
		if (msg instanceof HttpRequest request) {
			problem = check(request);
		}
		else if (msg instanceof DecoderResultProvider part && part.decoderResult().isFailure()) {
			problem = decodingFailure(part.decoderResult().cause());
		}
		if (problem != null) {
			ReferenceCountUtil.release(msg);
			refuse(ctx, problem);
			return;
		}
		if (msg instanceof HttpRequest) {
			outstanding++;
		}
		ctx.fireChannelRead(msg);
	}

	/** What is wrong with {@code request}, or null; a later HTTP/1 minor version is lowered to 1.1. */
	static Problem check(HttpRequest request) {
		if (request.decoderResult().isFailure()) {
			return decodingFailure(request.decoderResult().cause());
		}
		HttpVersion version = request.protocolVersion();
		if (!version.protocolName().equals("HTTP")) {
			return Problem.of(400, "bad-request", "Malformed request", "the request line does not end in HTTP/1.1");
		}
		if (version.majorVersion() != 1) {
			return Problem.of(400, "unsupported-http-version", "HTTP version not supported",
					"this server speaks HTTP/1.1 (and HTTP/1.0), not " + version.text());
		}
		if (version.minorVersion() > 1) {
			request.setProtocolVersion(HttpVersion.HTTP_1_1);
		}
		// Read without a list or a regex: this runs on every request.
		Iterator<String> hosts = request.headers().valueStringIterator(HttpHeaderNames.HOST);
		if (!hosts.hasNext()) {
			return request.protocolVersion().equals(HttpVersion.HTTP_1_1)
					? Problem.of(400, "bad-host", "Bad Host field", "an HTTP/1.1 request must have a Host field")
					: null;
		}
		String host = hosts.next();
		if (hosts.hasNext()) {
			int count = 2;
			for (hosts.next(); hosts.hasNext(); hosts.next()) {
				count++;
			}
			return Problem.of(400, "bad-host", "Bad Host field", "the request has " + count
					+ " Host fields; send exactly one");
		}
		if (!validHost(host)) {
			return Problem.of(400, "bad-host", "Bad Host field", "the Host field must be a host name or address "
					+ "with an optional port");
		}
		return null;
	}

	/**
	 * {@code host[:port]}: an IP literal in brackets or a registered name (possibly empty), then
	 * optionally a colon and a port of one to five digits up to 65535.
	 */
	static boolean validHost(String host) {
		int n = host.length();
		int i = 0;
		if (n > 0 && host.charAt(0) == '[') {
			i = 1;
			while (i < n && isLiteralChar(host.charAt(i))) {
				i++;
			}
			if (i == 1 || i == n || host.charAt(i) != ']') {
				return false;
			}
			i++;
		}
		else {
			while (i < n && host.charAt(i) < 128 && NAME_CHARS[host.charAt(i)]) {
				i++;
			}
		}
		if (i == n) {
			return true;
		}
		if (host.charAt(i) != ':' || n - i - 1 < 1 || n - i - 1 > 5) {
			return false;
		}
		int port = 0;
		for (i++; i < n; i++) {
			char c = host.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
			port = port * 10 + (c - '0');
		}
		return port <= 65_535;
	}

	private static boolean isLiteralChar(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
	}

	/** The problem of a request the decoder could not read. */
	static Problem decodingFailure(Throwable cause) {
		if (cause instanceof TooLongHttpLineException) {
			return Problem.of(414, "uri-too-long", "Request line too long", "the request line is longer than "
					+ "this server reads; shorten the URI");
		}
		if (cause instanceof TooLongHttpHeaderException) {
			return Problem.of(431, "header-fields-too-large", "Header fields too large", "the request's header "
					+ "fields are larger than this server reads");
		}
		String reason = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
		if (reason.length() > MAX_DETAIL) {
			reason = reason.substring(0, MAX_DETAIL) + "...";
		}
		return Problem.of(400, "bad-request", "Malformed request", "the request is not valid HTTP/1.1" + reason);
	}

	private void refuse(ChannelHandlerContext ctx, Problem problem) {
		refused = true;
		if (outstanding == 0) {
			send(ctx, problem);
		}
		else {
			deferred = problem;
		}
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		boolean ends = msg instanceof LastHttpContent
				&& !(msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL);
		ctx.write(msg, promise);
		if (ends && outstanding > 0 && --outstanding == 0 && deferred != null) {
			Problem problem = deferred;
			deferred = null;
			send(ctx, problem);
		}
	}

	/** Answers with {@code problem} and closes the connection once it is written. */
	private static void send(ChannelHandlerContext ctx, Problem problem) {
		byte[] body = problem.toJson(null).getBytes(StandardCharsets.UTF_8);
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
				HttpResponseStatus.valueOf(problem.status()), Unpooled.wrappedBuffer(body));
		response.headers()
				.set(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
				.set(HttpHeaderNames.CACHE_CONTROL, "no-store")
				.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
				.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
	}
}
