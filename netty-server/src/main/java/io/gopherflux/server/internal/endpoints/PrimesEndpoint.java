package io.gopherflux.server.internal.endpoints;

import java.util.Objects;
import java.util.SplittableRandom;

import io.gopherflux.pipeline.FanOut;
import io.gopherflux.pipeline.FanOutConfig;
import io.gopherflux.server.Exchange;
import io.gopherflux.server.Parameters;
import io.gopherflux.server.http.EventEncoder;
import io.gopherflux.server.internal.http.Json;
import io.gopherflux.server.http.ProblemException;
import io.gopherflux.server.limit.FairWorkers;
import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;

/**
 * {@code GET /streams/primes?count=&workers=}: the book's prime finder. Random integers go through a
 * deliberately slow prime test fanned out over {@code workers} workers, fanned back in in
 * completion order, until {@code count} primes are found; each element is
 * {@code {"type":"prime","prime":n}} (SSE event {@code prime}) with the ID 1 for the first prime,
 * 2 for the second and so on. A client resuming with {@code Last-Event-ID} gets the primes it has
 * not had yet ({@code count} minus the ID), drawn from candidates of its own (the seed mixed with
 * the ID), and a 204 once it has had them all. A client that leaves cancels the workers still
 * testing.
 * <p>
 * {@code workers} is capped by the client's plan (a larger value is a 400 naming it), and the
 * tests run on {@link FairWorkers}, in the client's own line: however many workers a client's
 * streams ask for, it gets no more than its share of the pool while another client waits.
 */
public final class PrimesEndpoint {

	/** The most primes one stream may ask for. */
	public static final long MAX_COUNT = 1_000;
	/** The most workers one stream may ask for. */
	public static final int MAX_WORKERS = 64;
	/** Candidates are drawn from [2, BOUND). */
	static final int BOUND = 2_000_000;

	/** A prime and its place in the stream, from 1. */
	public record Prime(long ordinal, int value) {
	}

	/** Each prime: event {@code prime}, its ordinal as ID. */
	public static final EventEncoder<Prime> ENCODER = new EventEncoder<>() {
		private final byte[] name = Json.ascii("prime");
		private final byte[] prefix = Json.ascii("{\"type\":\"prime\",\"prime\":");

		@Override
		public byte[] eventName(Prime prime) {
			return name;
		}

		@Override
		public void writeJson(Prime prime, ByteBuf out) {
			out.writeBytes(prefix);
			Json.writeLong(out, prime.value());
			out.writeByte('}');
		}

		@Override
		public long eventId(Prime prime) {
			return prime.ordinal();
		}
	};

	private final FairWorkers workers;

	/** @param workers where the prime tests run, shared fairly by clients (never the event loop) */
	public PrimesEndpoint(FairWorkers workers) {
		this.workers = Objects.requireNonNull(workers, "workers");
	}

	/**
	 * Declares {@code count}, {@code workers} and {@code seed}.
	 *
	 * @param parameters the declaration
	 */
	public static void declare(Parameters parameters) {
		parameters.summary("'count' random primes found by 'workers' workers (fan-out, fan-in)")
				.integer("count", 10, 1, MAX_COUNT)
				.integer("workers", 0, 1, MAX_WORKERS)
				.seed("seed");
	}

	/**
	 * The primes of a fresh request.
	 *
	 * @param exchange the request
	 * @return {@code count} primes
	 */
	public Flux<Prime> open(Exchange exchange) {
		return primes(exchange, 0);
	}

	/**
	 * The primes a client resuming after prime number {@code lastEventId} has not had.
	 *
	 * @param exchange    the request
	 * @param lastEventId the {@code Last-Event-ID} sent
	 * @return the rest; empty once it has had them all
	 */
	public Flux<Prime> resumeAfter(Exchange exchange, String lastEventId) {
		long count = exchange.integer("count");
		long had = LastEventId.parse(lastEventId, 1, count);
		return had == count ? Flux.empty() : primes(exchange, had);
	}

	private Flux<Prime> primes(Exchange exchange, long had) {
		long count = exchange.integer("count");
		int fanOut = workers(exchange);
		long seed = exchange.integer("seed");
		FanOutConfig config = FanOutConfig.defaults().withWorkers(fanOut).withScheduler(workers.forClient(exchange.client()));
		// A resumed stream draws other candidates than the first: the same ones would repeat its primes.
		long candidateSeed = had == 0 ? seed : new SplittableRandom(seed + had).nextLong();
		return candidates(candidateSeed)
				.transform(FanOut.filter(config, PrimesEndpoint::isPrime))
				.take(count - had, true)
				.index((i, prime) -> new Prime(had + 1 + i, prime));
	}

	/**
	 * The workers asked for, at most the plan's; by default one per processor, as many as the plan allows.
	 *
	 * @throws ProblemException (400) naming {@code workers} when it is above the plan's cap
	 */
	static int workers(Exchange exchange) {
		int cap = Math.min(MAX_WORKERS, exchange.plan().maxWorkers());
		long asked = exchange.integer("workers");
		if (asked == 0) {
			return Math.min(cap, Runtime.getRuntime().availableProcessors());
		}
		if (asked > cap) {
			throw ProblemException.badParameter("workers", "workers must be a whole number from 1 to " + cap
					+ " on plan '" + exchange.plan().name() + "', was '" + exchange.text("workers") + "'");
		}
		return (int) asked;
	}

	/** The endless random candidates of one stream. */
	static Flux<Integer> candidates(long seed) {
		return Flux.generate(() -> new SplittableRandom(seed), (random, sink) -> {
			sink.next(random.nextInt(2, BOUND));
			return random;
		});
	}

	/** Slow on purpose, as in the book: tries every divisor from n - 1 down to 2. */
	static boolean isPrime(int n) {
		for (int divisor = n - 1; divisor > 1; divisor--) {
			if (n % divisor == 0) {
				return false;
			}
		}
		return n > 1;
	}
}
