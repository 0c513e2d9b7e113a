package io.gopherflux.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import io.gopherflux.steward.RestartPolicy;
import io.gopherflux.steward.Steward;
import io.gopherflux.steward.StewardConfig;
import io.gopherflux.steward.Ward;
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
 * Cost of one steward restart: a ward that emits one value and completes, restarted at once
 * ({@link RestartPolicy#immediate()}; the default policy would wait a tenth of the timeout), against
 * Reactor's nearest built-in, resubscribing with {@code repeat}. A steward's restart is a task on
 * its scheduler, so each invocation waits for the last value. Scores are nanoseconds per restart
 * (each restart delivers one value).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StewardBenchmark {

	static final int RESTARTS = 1_000;

	final Ward<Integer> ward = pulseInterval -> Flux.just(Beat.value(1));
	final Steward<Integer> steward = Steward.of(StewardConfig.of("bench", Duration.ofHours(1))
			.withRestartPolicy(RestartPolicy.immediate()), ward);

	@Benchmark
	@OperationsPerInvocation(RESTARTS)
	public void stewardRestart(Blackhole bh) {
		steward.start(Duration.ofHours(1)).transform(Heartbeat.values()).take(RESTARTS).doOnNext(bh::consume).blockLast();
	}

	@Benchmark
	@OperationsPerInvocation(RESTARTS)
	public void reactorRepeat(Blackhole bh) {
		Flux.defer(() -> ward.start(Duration.ofHours(1))).transform(Heartbeat.values()).repeat().take(RESTARTS)
				.doOnNext(bh::consume).blockLast();
	}
}
