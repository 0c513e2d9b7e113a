package io.gopherflux.samples.heartbeat;

import java.io.PrintStream;
import java.util.Random;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The book's heartbeat at the start of each unit of work: ten random numbers, each preceded by
 * a pulse. The numbers come from a seeded generator so that the output can be asserted.
 */
public final class PerUnitHeartbeatSample implements Sample {

	@Override
	public String name() {
		return "heartbeat-per-unit";
	}

	@Override
	public String summary() {
		return "Heartbeats: a pulse at the beginning of every unit of work";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		Flux<Integer> work = Flux.defer(() -> {
			Random random = new Random(1);
			return Flux.range(0, 10).map(i -> random.nextInt(10));
		});
		return Heartbeat.perUnit(work)
				.doOnNext(beat -> out.println(beat instanceof Beat.Value<Integer> result ? "results " + result.value() : "pulse"))
				.then();
	}
}
