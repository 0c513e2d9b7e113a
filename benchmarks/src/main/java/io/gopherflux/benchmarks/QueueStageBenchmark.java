package io.gopherflux.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import io.gopherflux.pipeline.MicrometerQueueMetrics;
import io.gopherflux.pipeline.OverflowPolicy;
import io.gopherflux.pipeline.QueueConfig;
import io.gopherflux.pipeline.QueueMetrics;
import io.gopherflux.pipeline.QueueStage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;

/**
 * Per-element cost of a queue of {@value #CAPACITY} on the calling thread: {@link QueueStage}
 * (without metrics, and with Micrometer Little's-law metrics timed on
 * {@code Schedulers.parallel()}'s nanosecond clock) against the Reactor operator it is built
 * on, and a pipeline without a queue.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(QueueStageBenchmark.ELEMENTS)
public class QueueStageBenchmark {

	static final int ELEMENTS = 100_000;
	static final int CAPACITY = 256;

	private Flux<Integer> source;
	private QueueConfig dropOldest;
	private QueueConfig dropOldestMetered;
	private QueueConfig backpressure;
	private QueueConfig backpressureMetered;
	private QueueConfig backpressureCounted;

	@Setup
	public void setup() {
		source = Flux.range(0, ELEMENTS);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		dropOldest = QueueConfig.of("bench", CAPACITY, OverflowPolicy.DROP_OLDEST);
		dropOldestMetered = dropOldest.withMetrics(new MicrometerQueueMetrics(registry, "drop-oldest"));
		backpressure = QueueConfig.of("bench", CAPACITY, OverflowPolicy.BACKPRESSURE);
		backpressureMetered = backpressure.withMetrics(new MicrometerQueueMetrics(registry, "backpressure"));
		backpressureCounted = backpressure.withMetrics(new PlainCounts());
	}

	/**
	 * The cheapest port there is (plain fields, fine on one thread): what the stage's own
	 * stamping and books cost, apart from Micrometer's meters.
	 */
	static final class PlainCounts implements QueueMetrics {

		long arrivals;
		long totalNanos;

		@Override
		public void arrived() {
			arrivals++;
		}

		@Override
		public void left(long nanosInStage, Outcome outcome) {
			totalNanos += nanosInStage;
		}
	}

	@Benchmark
	public Object noQueue(Blackhole bh) {
		return source.doOnNext(bh::consume).blockLast();
	}

	@Benchmark
	public Object reactorOnBackpressureBufferDropOldest(Blackhole bh) {
		return source.onBackpressureBuffer(CAPACITY, dropped -> {
		}, BufferOverflowStrategy.DROP_OLDEST).doOnNext(bh::consume).blockLast();
	}

	@Benchmark
	public Object queueStageDropOldest(Blackhole bh) {
		return source.transform(QueueStage.of(dropOldest)).doOnNext(bh::consume).blockLast();
	}

	@Benchmark
	public Object queueStageDropOldestMetered(Blackhole bh) {
		return source.transform(QueueStage.of(dropOldestMetered)).doOnNext(bh::consume).blockLast();
	}

	@Benchmark
	public Object reactorLimitRate(Blackhole bh) {
		return source.limitRate(CAPACITY).doOnNext(bh::consume).blockLast();
	}

	@Benchmark
	public Object reactorLimitRateLowTide1(Blackhole bh) {
		return source.limitRate(CAPACITY, 1).doOnNext(bh::consume).blockLast();
	}

	@Benchmark
	public Object queueStageBackpressure(Blackhole bh) {
		return source.transform(QueueStage.of(backpressure)).doOnNext(bh::consume).blockLast();
	}

	@Benchmark
	public Object queueStageBackpressurePlainPort(Blackhole bh) {
		return source.transform(QueueStage.of(backpressureCounted)).doOnNext(bh::consume).blockLast();
	}

	@Benchmark
	public Object queueStageBackpressureMetered(Blackhole bh) {
		return source.transform(QueueStage.of(backpressureMetered)).doOnNext(bh::consume).blockLast();
	}
}
