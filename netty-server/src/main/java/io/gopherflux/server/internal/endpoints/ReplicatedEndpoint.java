package io.gopherflux.server.internal.endpoints;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gopherflux.replicate.HedgeDelay;
import io.gopherflux.replicate.ReplicateConfig;
import io.gopherflux.replicate.ReplicateMetrics;
import io.gopherflux.replicate.Replicator;
import io.gopherflux.server.Exchange;
import io.gopherflux.server.Parameters;
import io.gopherflux.server.internal.http.Durations;
import io.gopherflux.server.http.Encoders;
import io.gopherflux.server.http.ProblemException;
import io.gopherflux.server.http.EventEncoder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code GET /replicated?replicas=&hedgeAfter=&seed=}: the book's replicated requests. The same
 * simulated request (a random latency from {@value #MIN_LATENCY_MILLIS} to
 * {@value #MAX_LATENCY_MILLIS} ms) goes to {@code replicas} replicas, all at once or, with
 * {@code hedgeAfter}, one more each time that long passes without an answer; the first answer wins
 * and the others are cancelled. {@code hedgeAfter} is a duration ({@code 40ms}) or a percentile
 * ({@code p95}): the delay is then that percentile of the latencies the server has seen for this
 * number of replicas ({@link HedgeDelay#percentile}, 50 ms until it has seen
 * ten). The answer is one element, SSE or NDJSON like every stream,
 * {@code {"type":"answer","replica":i,"replicas":n,"hedgeAfterMs":h|null,"replicaLatencyMs":l,"latencyMs":t}}
 * (SSE event {@code answer}, ID 1): the winner, its own latency and the whole request's. A client
 * resuming after it ({@code Last-Event-ID: 1}) is answered 204.
 */
public final class ReplicatedEndpoint {

	/** The most replicas one request may ask for. */
	public static final int MAX_REPLICAS = 16;
	static final int MIN_LATENCY_MILLIS = 5;
	static final int MAX_LATENCY_MILLIS = 250;

	/**
	 * The answer: {@code {"type":"answer","replica":i,"replicas":n,"hedgeAfterMs":h|null,"replicaLatencyMs":l,"latencyMs":t}}.
	 *
	 * @param replica          the winner
	 * @param replicas         how many were asked
	 * @param hedgeAfterMs     the hedge delay in milliseconds, null when not hedged
	 * @param replicaLatencyMs the winner's own latency
	 * @param latencyMs        the whole request's latency
	 */
	@JsonPropertyOrder({"type", "replica", "replicas", "hedgeAfterMs", "replicaLatencyMs", "latencyMs"})
	public record Answered(int replica, int replicas, Long hedgeAfterMs, long replicaLatencyMs, long latencyMs) {

		/** @return {@code answer} */
		@JsonProperty("type")
		public String type() {
			return "answer";
		}
	}

	/** The answer, the {@code answer} event with ID 1: the stream's only event. */
	public static final EventEncoder<Answered> ENCODER = Encoders.<Answered>json()
			.withEventName(answer -> "answer")
			.withEventId(answer -> "1");

	static final String HEDGE_AFTER = "hedgeAfter";
	/** {@code p1} to {@code p99}: hedge after that percentile of the latencies seen so far. */
	static final Pattern PERCENTILE = Pattern.compile("p[1-9][0-9]?");
	/** The hedge delay of a learning replicator until it has seen enough answers. */
	static final Duration INITIAL_HEDGE = Duration.ofMillis(50);

	private final Map<Integer, Replicator> learning = new ConcurrentHashMap<>();
	private final Scheduler timers;
	private final ReplicateMetrics metrics;

	/**
	 * @param timers  the scheduler of the replicas' latencies and the hedge delays
	 * @param metrics where the replicators report
	 */
	public ReplicatedEndpoint(Scheduler timers, ReplicateMetrics metrics) {
		this.timers = Objects.requireNonNull(timers, "timers");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
	}

	/**
	 * Declares {@code replicas}, {@code hedgeAfter} and {@code seed}.
	 *
	 * @param parameters the declaration
	 */
	public static void declare(Parameters parameters) {
		parameters.summary("one request to 'replicas' replicas, hedged after 'hedgeAfter'; first answer wins")
				.integer("replicas", 3, 1, MAX_REPLICAS)
				.text(HEDGE_AFTER, "a duration from 0ms to 10s or a percentile from p1 to p99")
				.seed("seed");
	}

	/**
	 * A client resuming after the answer: nothing more (the request is validated first).
	 *
	 * @param exchange    the request
	 * @param lastEventId the {@code Last-Event-ID} sent
	 * @return nothing
	 */
	public Flux<Answered> resumeAfter(Exchange exchange, String lastEventId) {
		replicator(exchange);
		LastEventId.parse(lastEventId, 1, 1);
		return Flux.empty();
	}

	private ReplicateConfig config(int replicas, HedgeDelay hedge) {
		return ReplicateConfig.of(replicas).withHedgeDelay(hedge).withClock(timers).withMetrics(metrics);
	}

	/** The winner. */
	record Answer(int replica, long latencyMillis) {
	}

	/**
	 * The answer of one request.
	 *
	 * @param exchange the request
	 * @return the winner
	 */
	public Flux<Answered> open(Exchange exchange) {
		int replicas = (int) exchange.integer("replicas");
		String hedgeText = exchange.text(HEDGE_AFTER);
		long seed = exchange.integer("seed");
		Replicator replicator = replicator(exchange);
		boolean hedged = hedgeText != null;
		SplittableRandom random = new SplittableRandom(seed);
		long[] latencies = new long[replicas];
		for (int i = 0; i < replicas; i++) {
			latencies[i] = random.nextLong(MIN_LATENCY_MILLIS, MAX_LATENCY_MILLIS + 1);
		}
		Mono<Answered> body = Mono.defer(() -> {
			long start = timers.now(TimeUnit.MILLISECONDS);
			Long hedgeAfterMs = hedged ? replicator.hedgeDelay().toMillis() : null;
			return replicator
					.request(i -> Mono.delay(Duration.ofMillis(latencies[i]), timers).map(t -> new Answer(i, latencies[i])))
					.map(answer -> new Answered(answer.replica(), replicas, hedgeAfterMs, answer.latencyMillis(),
							timers.now(TimeUnit.MILLISECONDS) - start));
		});
		return body.flux();
	}

	private Replicator replicator(Exchange exchange) {
		int replicas = (int) exchange.integer("replicas");
		String hedgeText = exchange.text(HEDGE_AFTER);
		Replicator replicator;
		if (hedgeText != null && PERCENTILE.matcher(hedgeText).matches()) {
			int percentile = Integer.parseInt(hedgeText.substring(1));
			// One replicator per shape of request, so that it learns the latencies of its kind.
			replicator = learning.computeIfAbsent(replicas * 100 + percentile, key -> Replicator.of(config(replicas,
					HedgeDelay.percentile(percentile, INITIAL_HEDGE))));
		}
		else if (hedgeText != null && hedgeText.startsWith("p")) {
			throw ProblemException.badParameter(HEDGE_AFTER, HEDGE_AFTER
					+ " must be a duration from 0ms to 10s or a percentile from p1 to p99, was '" + hedgeText + "'");
		}
		else {
			Duration hedgeAfter = hedgeText == null ? null
					: hedgeDelay(hedgeText);
			replicator = Replicator.of(config(replicas, hedgeAfter == null ? HedgeDelay.none() : HedgeDelay.fixed(hedgeAfter)));
		}
		return replicator;
	}

	/** A fixed hedge delay from 0 ms to 10 s, written as every duration parameter is. */
	static Duration hedgeDelay(String text) {
		try {
			Duration delay = Durations.parse(text);
			if (delay.compareTo(Duration.ofSeconds(10)) <= 0) {
				return delay;
			}
		}
		catch (IllegalArgumentException e) {
			// answered below, as any other value out of range
		}
		throw ProblemException.badParameter(HEDGE_AFTER, HEDGE_AFTER
				+ " must be a duration from 0ms to 10s or a percentile from p1 to p99, was '" + text + "'");
	}
}
