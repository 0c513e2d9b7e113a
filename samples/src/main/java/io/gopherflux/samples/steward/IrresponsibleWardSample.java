package io.gopherflux.samples.steward;

import java.io.PrintStream;
import java.time.Duration;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.samples.Sample;
import io.gopherflux.steward.Steward;
import io.gopherflux.steward.StewardConfig;
import io.gopherflux.steward.StewardMetrics;
import io.gopherflux.steward.Ward;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The book's first steward run: a ward that never pulses, a steward with a four-second timeout,
 * and everything halted at nine seconds. The steward replaces the ward at 4 s and 8 s; halting
 * the steward halts the last ward. Log lines carry the scheduler's time, as the book's carry
 * the wall clock. The old ward halts before its successor starts, so no two run at once.
 */
public final class IrresponsibleWardSample implements Sample {

	@Override
	public String name() {
		return "steward-irresponsible";
	}

	@Override
	public String summary() {
		return "Healing: a steward restarting a ward that never pulses";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		StampedLog log = new StampedLog(out, scheduler);
		Ward<Object> doWork = pulseInterval -> {
			log.println("ward: Hello, I'm irresponsible!");
			return Flux.<Beat<Object>>never().doOnCancel(() -> log.println("ward: I am halting."));
		};
		StewardConfig config = StewardConfig.of("doWork", Duration.ofSeconds(4)).withScheduler(scheduler)
				.withMetrics(new StewardMetrics() {
					@Override
					public void heartbeatMissed(String ward) {
						log.println("steward: ward unhealthy; restarting");
					}
				});
		Mono<Long> halt = Mono.delay(Duration.ofSeconds(9), scheduler)
				.doOnNext(tick -> log.println("main: halting steward and ward."));
		return Steward.of(config, doWork).start(Duration.ofSeconds(4))
				.takeUntilOther(halt)
				.then(Mono.fromRunnable(() -> log.println("Done")));
	}
}
