package io.gopherflux.server.endpoints;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.gopherflux.replicate.HedgeDelay;
import io.gopherflux.replicate.ReplicateConfig;
import io.gopherflux.replicate.ReplicateMetrics;
import io.gopherflux.replicate.Replicator;
import io.gopherflux.server.http.Json;
import io.gopherflux.server.http.EventEncoder;
import io.netty.buffer.ByteBuf;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code GET /replicated?replicas=&hedgeAfter=&seed=}: the book's replicated requests. The same
 * simulated request (a random latency from {@value #MIN_LATENCY_MILLIS} to
 * {@value #MAX_LATENCY_MILLIS} ms) goes to {@code replicas} replicas, all at once or, with
 * {@code hedgeAfter}, one more each time that long passes without an answer; the first answer wins
 * and the others are cancelled. The answer is one element, SSE or NDJSON like every stream,
 * {@code {"replica":i,"replicas":n,"hedgeAfterMs":h|null,"replicaLatencyMs":l,"latencyMs":t}}:
 * the winner, its own latency and the whole request's.
 */
public final class ReplicatedEndpoint implements Endpoint {

	/** The most replicas one request may ask for. */
	public static final int MAX_REPLICAS = 16;
	static final int MIN_LATENCY_MILLIS = 5;
	static final int MAX_LATENCY_MILLIS = 250;

	/** The answer, a plain data event: one JSON object. */
	static final EventEncoder<Map<String, Object>> ANSWER = new EventEncoder<>() {
		@Override
		public byte[] eventName(Map<String, Object> answer) {
			return null;
		}

		@Override
		public void writeJson(Map<String, Object> answer, ByteBuf out) {
			out.writeCharSequence(Json.write(answer), StandardCharsets.UTF_8);
		}
	};

	private final Streaming streaming;
	private final Scheduler timers;
	private final ReplicateMetrics metrics;

	/**
	 * @param streaming how the answer is sent (a stream of one element, in the negotiated format)
	 * @param metrics   where the replicators report
	 */
	public ReplicatedEndpoint(Streaming streaming, ReplicateMetrics metrics) {
		this.streaming = Objects.requireNonNull(streaming, "streaming");
		this.timers = streaming.timers();
		this.metrics = Objects.requireNonNull(metrics, "metrics");
	}

	@Override
	public Set<String> parameters() {
		return Set.of("replicas", "hedgeAfter", "seed", Streaming.FORMAT);
	}

	/** The winner. */
	record Answer(int replica, long latencyMillis) {
	}

	@Override
	public Publisher<Void> handle(Exchange exchange) {
		int replicas = (int) exchange.query().integer("replicas", 3, 1, MAX_REPLICAS);
		String hedgeText = exchange.query().text("hedgeAfter");
		Duration hedgeAfter = hedgeText == null ? null
				: exchange.query().duration("hedgeAfter", Duration.ZERO, Duration.ZERO, Duration.ofSeconds(10));
		long seed = exchange.query().integer("seed", System.nanoTime(), Long.MIN_VALUE, Long.MAX_VALUE);
		ReplicateConfig config = ReplicateConfig.of(replicas)
				.withHedgeDelay(hedgeAfter == null ? HedgeDelay.none() : HedgeDelay.fixed(hedgeAfter))
				.withClock(timers)
				.withMetrics(metrics);
		SplittableRandom random = new SplittableRandom(seed);
		long[] latencies = new long[replicas];
		for (int i = 0; i < replicas; i++) {
			latencies[i] = random.nextLong(MIN_LATENCY_MILLIS, MAX_LATENCY_MILLIS + 1);
		}
		Mono<Map<String, Object>> body = Mono.defer(() -> {
			long start = timers.now(TimeUnit.MILLISECONDS);
			return Replicator.of(config)
					.request(i -> Mono.delay(Duration.ofMillis(latencies[i]), timers).map(t -> new Answer(i, latencies[i])))
					.map(answer -> {
						Map<String, Object> json = new LinkedHashMap<>();
						json.put("replica", answer.replica());
						json.put("replicas", replicas);
						json.put("hedgeAfterMs", hedgeAfter == null ? null : hedgeAfter.toMillis());
						json.put("replicaLatencyMs", answer.latencyMillis());
						json.put("latencyMs", timers.now(TimeUnit.MILLISECONDS) - start);
						return json;
					});
		});
		return streaming.send(exchange, body.flux(), ANSWER);
	}
}
