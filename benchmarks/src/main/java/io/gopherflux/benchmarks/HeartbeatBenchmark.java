package io.gopherflux.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Flux;

/**
 * Per-element cost of a heartbeat-wrapped stream against the bare stream, and of the watchdog
 * against Reactor's per-element {@code timeout}. Pulse interval and timeouts are an hour, so
 * no pulse or timeout fires: what is measured is the cost on the value path. Scores are
 * nanoseconds per element.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeartbeatBenchmark {

	static final int N = 10_000;
	static final Duration HOUR = Duration.ofHours(1);

	@Benchmark
	@OperationsPerInvocation(N)
	public void bare(Blackhole bh) {
		Flux.range(0, N).map(Beat::value).subscribe(bh::consume);
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void intervalHeartbeat(Blackhole bh) {
		Heartbeat.interval(Flux.range(0, N), HOUR).subscribe(bh::consume);
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void watchdog(Blackhole bh) {
		Flux.range(0, N).map(Beat::value).transform(Heartbeat.watchdog(HOUR)).subscribe(bh::consume);
	}

	@Benchmark
	@OperationsPerInvocation(N)
	public void reactorTimeout(Blackhole bh) {
		Flux.range(0, N).map(Beat::value).timeout(HOUR).subscribe(bh::consume);
	}
}
