package io.gopherflux.samples.heartbeat;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import io.gopherflux.heartbeat.HeartbeatTimeoutException;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The book's first heartbeat: a worker that pulses every second, idle or busy, and produces a
 * result every two seconds; the consumer watches with a two-second timeout and stops at ten
 * seconds. Go picks at random between a pulse and a result that are ready at the same instant;
 * here the result scheduled first comes first.
 */
public final class IntervalHeartbeatSample implements Sample {

	@Override
	public String name() {
		return "heartbeat-interval";
	}

	@Override
	public String summary() {
		return "Heartbeats: a worker pulsing on an interval between its results";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		Duration timeout = Duration.ofSeconds(2);
		return doWork(timeout.dividedBy(2), scheduler)
				.transform(Heartbeat.watchdog("doWork", timeout, scheduler))
				.take(Duration.ofSeconds(10), scheduler)
				.doOnNext(beat -> out.println(beat instanceof Beat.Value<Long> result ? "results " + result.value() : "pulse"))
				.onErrorResume(HeartbeatTimeoutException.class, e -> Mono.empty())
				.then();
	}

	/** Results are the second of the minute at which the work was done, as the book prints them. */
	static Flux<Beat<Long>> doWork(Duration pulseInterval, Scheduler scheduler) {
		Flux<Long> results = Flux.interval(pulseInterval.multipliedBy(2), scheduler)
				.map(tick -> scheduler.now(TimeUnit.SECONDS) % 60);
		return Heartbeat.interval(results, pulseInterval, scheduler);
	}
}
