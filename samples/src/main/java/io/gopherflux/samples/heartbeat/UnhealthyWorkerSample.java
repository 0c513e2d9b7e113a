package io.gopherflux.samples.heartbeat;

import java.io.PrintStream;
import java.time.Duration;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import io.gopherflux.heartbeat.HeartbeatTimeoutException;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The book's unhealthy worker: its loop runs two iterations (both pulses, as in the book's run)
 * and then returns without closing its stream. The worker pulses from its loop, so the pulses
 * stop with it, and the consumer's watchdog notices two seconds after the last one.
 */
public final class UnhealthyWorkerSample implements Sample {

	@Override
	public String name() {
		return "heartbeat-unhealthy";
	}

	@Override
	public String summary() {
		return "Heartbeats: a watchdog catching a worker that stopped after two iterations";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		Duration timeout = Duration.ofSeconds(2);
		Flux<Long> loop = Flux.interval(timeout.dividedBy(2), scheduler).take(2);
		Flux<Beat<Long>> doWork = Heartbeat.pulsing(Flux.<Long>never(), loop);
		return doWork.transform(Heartbeat.watchdog("doWork", timeout, scheduler))
				.take(Duration.ofSeconds(10), scheduler)
				.doOnNext(beat -> out.println(beat instanceof Beat.Value<Long> result ? "results " + result.value() : "pulse"))
				.onErrorResume(HeartbeatTimeoutException.class, e -> {
					out.println("worker goroutine is not healthy!");
					return Mono.empty();
				})
				.then();
	}
}
