package io.gopherflux.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.gopherflux.replicate.ReplicateConfig;
import io.gopherflux.replicate.Replicator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Mono;

/**
 * The cost of a replicated request's bookkeeping: {@link Replicator} (accounting, metrics port,
 * hedge machinery off) against the bare {@code Mono.firstWithValue} it is built on. Ten replicas,
 * of which only the last answers, synchronously, so all are subscribed and nine are cancelled;
 * scores are ns per request.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ReplicateBenchmark {

	static final int REPLICAS = 10;

	List<Mono<Integer>> replicas;
	Replicator replicator;

	@Setup
	public void setup() {
		replicas = new ArrayList<>();
		for (int i = 0; i < REPLICAS - 1; i++) {
			replicas.add(Mono.never());
		}
		replicas.add(Mono.just(REPLICAS - 1));
		replicator = Replicator.of(ReplicateConfig.of(REPLICAS));
	}

	@Benchmark
	public void replicator(Blackhole bh) {
		replicator.<Integer>request(replicas::get).subscribe(bh::consume, bh::consume);
	}

	@Benchmark
	public void firstWithValue(Blackhole bh) {
		Mono.firstWithValue(replicas).subscribe(bh::consume, bh::consume);
	}
}
