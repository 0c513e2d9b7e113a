package io.gopherflux.samples.server;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import io.gopherflux.server.Exchange;
import io.gopherflux.server.GopherfluxRoutes;
import io.gopherflux.server.ServerConfig;
import io.gopherflux.server.http.Encoders;
import io.gopherflux.server.http.EventEncoder;
import io.gopherflux.server.http.ProblemException;
import io.gopherflux.steward.RestartPolicy;
import io.gopherflux.steward.Steward;
import io.gopherflux.steward.StewardConfig;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A user's own streaming app: two streams of its own records mounted into a plain Reactor Netty
 * {@code HttpServer} with the server module's routes builder, which gives them negotiated SSE or
 * NDJSON, write batches, throttling, admission, validation and resume.
 * <ul>
 * <li>{@code GET /quotes?symbol=&count=&every=}: a ticker of {@link Quote} records, one every
 * {@code every}; each event's ID is its sequence number, so a reconnecting client resumes after
 * the last quote it saw;</li>
 * <li>{@code GET /readings?count=&timeout=}: a feed of {@link Reading}s from a sensor that now and
 * then hangs, healed by a {@link Steward} that restarts it when it misses a heartbeat.</li>
 * </ul>
 * Run its {@link #main(String[]) main} (port 8080, or the first argument) and try
 * {@code curl -N 'localhost:8080/quotes?symbol=ACME&count=5&every=200ms&format=sse'}.
 */
public final class StreamingApp {

	/**
	 * One quote of the ticker.
	 *
	 * @param symbol   what is quoted
	 * @param sequence its place in the stream, from 1: the event's ID
	 * @param price    the price
	 */
	public record Quote(String symbol, long sequence, double price) {
	}

	/**
	 * One reading of the healed feed.
	 *
	 * @param sequence its place in the stream, from 1
	 * @param sensor   which start of the sensor took it (a restart takes the next number)
	 * @param celsius  the temperature read
	 */
	public record Reading(long sequence, int sensor, double celsius) {
	}

	static final EventEncoder<Quote> QUOTES = Encoders.json(Quote.class)
			.withEventName(quote -> "quote")
			.withEventId(quote -> Long.toString(quote.sequence()));

	static final EventEncoder<Reading> READINGS = Encoders.json(Reading.class)
			.withEventName(reading -> "reading");

	private StreamingApp() {
	}

	/**
	 * The app's routes: {@code /} (the list), {@code /quotes} and {@code /readings}.
	 *
	 * @param builder a routes builder
	 * @param timers  the scheduler of the ticker and of the sensor's pace
	 * @return the routes
	 */
	public static GopherfluxRoutes routes(GopherfluxRoutes.Builder builder, Scheduler timers) {
		Objects.requireNonNull(timers, "timers");
		return builder
				.stream("/quotes", params -> params.summary("a ticker of quotes for 'symbol', one every 'every'")
								.text("symbol", "1 to 8 capital letters")
								.integer("count", 10, 1, 100_000)
								.duration("every", Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMinutes(1)),
						exchange -> quotes(exchange, 1, timers), QUOTES,
						(exchange, lastEventId) -> {
							long seen = seen(lastEventId, exchange.integer("count"));
							return seen == exchange.integer("count") ? Flux.empty() : quotes(exchange, seen + 1, timers);
						})
				.stream("/readings", params -> params.summary("a sensor's readings, healed by a steward when it hangs")
								.integer("count", 20, 1, 10_000)
								.duration("timeout", Duration.ofMillis(500), Duration.ofMillis(20), Duration.ofSeconds(30)),
						exchange -> readings(exchange.integer("count"), exchange.duration("timeout"), timers), READINGS)
				.build();
	}

	/** The quotes from {@code first} on; the price walks from 100 by a seeded random step. */
	static Flux<Quote> quotes(Exchange exchange, long first, Scheduler timers) {
		String symbol = symbol(exchange);
		long count = exchange.integer("count");
		Duration every = exchange.duration("every");
		// Paced by delayElements, which asks for one quote at a time: a slow client slows the ticker.
		return Flux.range(0, (int) (count - first + 1))
				.map(i -> first + i)
				.delayElements(every, timers)
				.map(sequence -> new Quote(symbol, sequence, price(symbol, sequence)));
	}

	private static String symbol(Exchange exchange) {
		String symbol = exchange.text("symbol");
		if (symbol == null) {
			return "ACME";
		}
		if (!symbol.matches("[A-Z]{1,8}")) {
			throw ProblemException.badParameter("symbol", "symbol must be 1 to 8 capital letters, was '" + symbol + "'");
		}
		return symbol;
	}

	/** The same symbol and sequence always give the same price, so a resumed stream carries on. */
	static double price(String symbol, long sequence) {
		return Math.round((100 + new SplittableRandom(symbol.hashCode() * 31L + sequence).nextDouble(-5, 5)) * 100) / 100.0;
	}

	private static long seen(String lastEventId, long count) {
		try {
			long seen = Long.parseLong(lastEventId);
			if (seen >= 1 && seen <= count) {
				return seen;
			}
		}
		catch (NumberFormatException e) {
			// answered below, as any other ID that is none of the stream's
		}
		throw ProblemException.badParameter("Last-Event-ID", "Last-Event-ID must be a quote's sequence number from 1 to "
				+ count + ", was '" + lastEventId + "'");
	}

	/**
	 * {@code count} readings of a sensor that hangs after a few of them; the steward, hearing no
	 * heartbeat for {@code timeout}, starts a new one, which carries on the count.
	 */
	static Flux<Reading> readings(long count, Duration timeout, Scheduler timers) {
		return Flux.defer(() -> {
			AtomicLong next = new AtomicLong(1);
			AtomicInteger starts = new AtomicInteger();
			StewardConfig config = StewardConfig.of("sensor", timeout)
					.withScheduler(timers)
					.withRestartPolicy(RestartPolicy.backoff(timeout.dividedBy(10), timeout).withLimit(100, Duration.ofMinutes(1)))
					.withWarnOnRestart(false);
			Steward<Reading> steward = Steward.of(config, pulse -> {
				int sensor = starts.incrementAndGet();
				// Each start reads a few values, one per tenth of the timeout, then hangs (pulsing no more).
				Flux<Reading> values = Flux.range(0, 3 + sensor % 3)
						.delayElements(timeout.dividedBy(10), timers)
						.map(i -> new Reading(next.getAndIncrement(), sensor, 20 + (next.get() % 7) / 2.0));
				return Heartbeat.interval(values, pulse, timers).concatWith(Mono.never());
			});
			return steward.start(timeout.dividedBy(2))
					.ofType(Beat.Value.class)
					.map(value -> (Reading) value.value())
					.take(count);
		});
	}

	/**
	 * Serves the app on port 8080 (or the first argument) until the process ends.
	 *
	 * @param args optionally the port
	 */
	public static void main(String[] args) {
		int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
		try (GopherfluxRoutes routes = routes(GopherfluxRoutes.builder(ServerConfig.defaults()), Schedulers.parallel())) {
			// mount adds the module's defences (malformed requests, connection caps, timeouts) and the 404 route.
			DisposableServer server = routes.mount(HttpServer.create().host("127.0.0.1").port(port)).bindNow();
			System.out.println("streaming app on http://127.0.0.1:" + server.port() + "/ (GET / lists the streams)");
			server.onDispose().block();
		}
	}
}
