package io.gopherflux.samples.steward;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import io.gopherflux.samples.Sample;
import io.gopherflux.steward.Steward;
import io.gopherflux.steward.StewardConfig;
import io.gopherflux.steward.StewardMetrics;
import io.gopherflux.steward.Ward;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The book's second steward run: a ward looping over 1, 2, -1, 3, 4, 5 that gives up at the
 * negative value (its loop returns and its pulses stop, its stream left open), watched by a
 * steward with a one-millisecond timeout; the consumer takes six values from one uninterrupted
 * stream across the restarts and sees 1, 2, 1, 2, 1, 2. A ward's loop runs only as far as the
 * consumer has asked: the first ward is asked for six values at once and meets its -1 before the
 * steward hands its first value on, the second is asked for the four left and hands its values on
 * as it makes them, and the third, asked for the last two, never reaches its -1. In the book the
 * goroutines' scheduling decides where the -1 falls.
 */
public final class IntegerWardSample implements Sample {

	@Override
	public String name() {
		return "steward-integers";
	}

	@Override
	public String summary() {
		return "Healing: a steward restarting an integer ward, its values bridged across restarts";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		StampedLog log = new StampedLog(out, scheduler);
		StewardConfig config = StewardConfig.of("doWork", Duration.ofMillis(1)).withScheduler(scheduler)
				.withMetrics(new StewardMetrics() {
					@Override
					public void heartbeatMissed(String ward) {
						log.println("steward: ward unhealthy; restarting");
					}
				});
		return Steward.of(config, doWork(List.of(1, 2, -1, 3, 4, 5), log, scheduler)).start(Duration.ofHours(1))
				.transform(Heartbeat.values())
				.take(6)
				.doOnNext(value -> out.println("Received: " + value))
				.then();
	}

	static Ward<Integer> doWork(List<Integer> intList, StampedLog log, Scheduler scheduler) {
		return pulseInterval -> {
			Sinks.Empty<Void> returned = Sinks.empty();
			Flux<Integer> values = Flux.fromIterable(intList).repeat()
					.takeWhile(value -> {
						if (value < 0) {
							log.println("negative value: " + value);
							returned.tryEmitEmpty();
							return false;
						}
						return true;
					})
					.concatWith(Flux.never());
			Flux<Long> pulses = Flux.interval(pulseInterval, scheduler).takeUntilOther(returned.asMono());
			return Heartbeat.<Integer>pulsing(values, pulses);
		};
	}
}
