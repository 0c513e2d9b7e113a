import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The peer of the wrk benchmark: the same endpoint shape written the plain Reactor Netty way, one
 * sendString element (one chunk) per integer, no limiter and no metrics. Run as a single-file
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
							.sendString(Flux.range(0, Integer.parseInt(count)).map(i -> "{\"type\":\"value\",\"value\":" + i + "}\n"));
				}))
				.bindNow();
		System.out.println("plain Reactor Netty peer on port " + server.port());
		server.onDispose().block();
	}
}
