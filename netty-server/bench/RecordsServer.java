import java.util.List;

import io.gopherflux.server.GopherfluxServer;
import io.gopherflux.server.ServerConfig;
import io.gopherflux.server.http.Encoders;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The wrk benchmark's user stream: the gopherflux server (same flags, same hardening and metrics)
 * with one stream of the user's own records registered through the routes builder and written by
 * Jackson, {@code GET /streams/records?count=}. Each record encodes to the same bytes as the
 * built-in integers' elements ({"type":"value","value":n}), so the two differ only in the encoder.
 * Run as a single-file program: java -cp <netty-server classpath> RecordsServer.java <server flags>
 */
public class RecordsServer {

	/** A user's element. */
	public record Value(String type, long value) {
	}

	public static void main(String[] args) throws InterruptedException {
		// As GopherfluxServer.main does, before Reactor Netty's classes load.
		System.setProperty("reactor.netty.send.maxPrefetchSize", "16");
		ServerConfig config = ServerConfig.parse(List.of(args), System.getenv());
		GopherfluxServer server = GopherfluxServer.start(config, Schedulers.parallel(), routes -> routes.stream(
				"/streams/records",
				params -> params.summary("'count' records of the user's own type, written by Jackson")
						.integer("count", 10, 0, 10_000_000),
				exchange -> Flux.range(0, (int) exchange.integer("count")).map(i -> new Value("value", i)),
				Encoders.json(Value.class)));
		System.out.println("records server on port " + server.port());
		Thread.currentThread().join();
	}
}
