import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The peer of the wrk benchmark: the same endpoint shape written the plain Reactor Netty way, one
 * sendString element (one chunk) per integer, no limiter and no metrics. Also the floor of any
 * Reactor Netty server on this request: {@code /streams/constant?count=} answers the same bytes as
 * the integers, made once per count and then sent as they are with a Content-Length, without
 * parsing the query beyond {@code count}, a limiter, metrics or encoding. Run as a single-file
 * program: java -cp <netty-server classpath> PlainReactorNetty.java <port>
 */
public class PlainReactorNetty {

	public static void main(String[] args) {
		int port = Integer.parseInt(args[0]);
		DisposableServer server = HttpServer.create()
				.host("127.0.0.1")
				.port(port)
				.route(routes -> routes.get("/streams/integers", (request, response) -> {
					String count = new QueryStringDecoder(request.uri()).parameters()
							.getOrDefault("count", java.util.List.of("10")).get(0);
					return response.header(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson")
							.sendString(Flux.range(0, Integer.parseInt(count)).map(PlainReactorNetty::element));
				}).get("/streams/constant", (request, response) -> {
					String uri = request.uri();
					int count = Integer.parseInt(uri.substring(uri.indexOf("count=") + 6));
					byte[] body = BODIES.computeIfAbsent(count, PlainReactorNetty::body);
					return response.header(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson")
							.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
							.sendByteArray(Mono.just(body));
				}))
				.bindNow();
		System.out.println("plain Reactor Netty peer on port " + server.port());
		server.onDispose().block();
	}

	private static final ConcurrentHashMap<Integer, byte[]> BODIES = new ConcurrentHashMap<>();

	private static String element(int i) {
		return "{\"type\":\"value\",\"value\":" + i + "}\n";
	}

	private static byte[] body(int count) {
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < count; i++) {
			body.append(element(i));
		}
		return body.toString().getBytes(StandardCharsets.US_ASCII);
	}
}
