package io.gopherflux.samples.pipeline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.gopherflux.pipeline.MicrometerQueueMetrics;
import io.gopherflux.pipeline.OverflowPolicy;
import io.gopherflux.pipeline.QueueConfig;
import io.gopherflux.pipeline.QueueStage;
import io.gopherflux.samples.Sample;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Where a queue belongs, the book's argument in two simulations on the scheduler's clock.
 * <p>
 * In the middle: three elements through a short stage (1 s each) then a long one (4 s each),
 * both {@code concatMap} without prefetch, which behaves as a goroutine on an unbuffered channel:
 * a stage works out its next element, then holds it until the next stage asks. A queue of 2
 * between them lets the short stage finish at 3 s instead of 9 s, but the pipeline takes 13 s
 * either way, because the long stage was the limit all along.
 * <p>
 * At the entrance: a request every 100 ms reaches one worker that takes 250 ms. Without a queue
 * a request that finds the worker busy is refused, and its client tries again 100 ms later, so
 * refusals feed more load back in: the negative feedback loop. With a queue at the entrance no
 * request is refused; they wait instead, and the Little's-law meters of the queue show how much
 * (L sampled every 10 ms, against &lambda;&middot;W from the arrival counter and the timer).
 */
public final class QueuePlacementSample implements Sample {

	static final int REQUESTS = 10;
	static final Duration ARRIVAL_EVERY = Duration.ofMillis(100);
	static final Duration SERVICE = Duration.ofMillis(250);
	static final Duration RETRY_AFTER = Duration.ofMillis(100);

	@Override
	public String name() {
		return "queue-placement";
	}

	@Override
	public String summary() {
		return "Queuing: a queue in the middle of a pipeline vs at its entrance";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		return Mono.fromRunnable(() -> out.println("queue in the middle (3 elements, short stage 1s, long stage 4s):"))
				.then(middle(out, scheduler, "no queue:  ", Function.identity()))
				.then(middle(out, scheduler, "queue of 2:", QueueStage.of(
						QueueConfig.of("middle", 2, OverflowPolicy.BACKPRESSURE).withClock(scheduler))))
				.then(Mono.fromRunnable(() -> out.println(
						"queue at the entrance (" + REQUESTS + " requests every 100ms, one worker taking 250ms,"
								+ " a refused client retries after 100ms):")))
				.then(entrance(out, scheduler, false))
				.then(entrance(out, scheduler, true));
	}

	private static Mono<Void> middle(PrintStream out, Scheduler clock, String title,
			Function<Flux<Integer>, Flux<Integer>> queue) {
		return Mono.defer(() -> {
			long start = clock.now(TimeUnit.MILLISECONDS);
			AtomicLong shortDone = new AtomicLong();
			return Flux.range(1, 3)
					.concatMap(i -> Mono.delay(Duration.ofSeconds(1), clock).thenReturn(i), 0)
					.doOnComplete(() -> shortDone.set(clock.now(TimeUnit.MILLISECONDS) - start))
					.transform(queue)
					.concatMap(i -> Mono.delay(Duration.ofSeconds(4), clock).thenReturn(i), 0)
					.then(Mono.fromRunnable(() -> out.printf("  %s short stage done at %s, pipeline done at %s%n",
							title, seconds(shortDone.get()), seconds(clock.now(TimeUnit.MILLISECONDS) - start))));
		});
	}

	private static Mono<Void> entrance(PrintStream out, Scheduler clock, boolean queued) {
		return Mono.defer(() -> {
			long start = clock.now(TimeUnit.MILLISECONDS);
			// directBestEffort refuses an emission its subscriber has not requested: the entrance
			// of a pipeline that only takes a request when its worker is free.
			Sinks.Many<Long> entrance = Sinks.many().multicast().directBestEffort();
			AtomicInteger attempts = new AtomicInteger();
			AtomicInteger refusals = new AtomicInteger();
			AtomicLong longestWait = new AtomicLong();
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			MicrometerQueueMetrics metrics = new MicrometerQueueMetrics(registry, "entrance");
			long[] sampledL = new long[2];

			Flux<Long> admitted = queued
					? entrance.asFlux().transform(QueueStage.of(QueueConfig.of("entrance", REQUESTS, OverflowPolicy.DROP_NEWEST)
							.withClock(clock).withMetrics(metrics)))
					: entrance.asFlux();
			Flux<Long> served = admitted.concatMap(sentAt -> {
				longestWait.accumulateAndGet(clock.now(TimeUnit.MILLISECONDS) - sentAt, Math::max);
				return Mono.delay(SERVICE, clock).thenReturn(sentAt);
			}, 0).take(REQUESTS);

			// A client offers its request; if refused, it comes back RETRY_AFTER later.
			Function<Long, Runnable> client = new Function<>() {
				@Override
				public Runnable apply(Long sentAt) {
					return () -> {
						attempts.incrementAndGet();
						Sinks.EmitResult result;
						synchronized (entrance) {
							result = entrance.tryEmitNext(sentAt);
						}
						if (result.isFailure()) {
							refusals.incrementAndGet();
							clock.schedule(apply(sentAt), RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
						}
					};
				}
			};
			Flux<Long> arrivals = Flux.interval(ARRIVAL_EVERY, clock).take(REQUESTS)
					.doOnNext(tick -> client.apply(clock.now(TimeUnit.MILLISECONDS)).run());
			Disposable sampler = Flux.interval(Duration.ofMillis(10), clock).subscribe(tick -> {
				sampledL[0] += metrics.size();
				sampledL[1]++;
			});

			return served.doOnSubscribe(s -> arrivals.subscribe())
					.then(Mono.fromRunnable(() -> {
						sampler.dispose();
						long elapsed = clock.now(TimeUnit.MILLISECONDS) - start;
						out.printf("  %s %d attempts, %d refused, all served at %s, longest wait %s%n",
								queued ? "entrance queue of " + REQUESTS + ":" : "no queue:", attempts.get(),
								refusals.get(), seconds(elapsed), seconds(longestWait.get()));
						if (queued) {
							double lambda = registry.get("gopherflux.pipeline.queue.arrivals").counter().count()
									/ (elapsed / 1000.0);
							Timer w = registry.get("gopherflux.pipeline.queue.time").tag("outcome", "delivered").timer();
							out.printf("  Little's law in the queue: L sampled %.2f, lambda %.2f/s x W %.3fs = %.2f%n",
									(double) sampledL[0] / sampledL[1], lambda, w.mean(TimeUnit.MILLISECONDS) / 1000.0,
									lambda * w.mean(TimeUnit.MILLISECONDS) / 1000.0);
						}
					}));
		});
	}

	private static String seconds(long millis) {
		return String.format("%.2fs", millis / 1000.0);
	}
}
