package io.gopherflux.samples.channel;

import java.io.PrintStream;

import io.gopherflux.channel.Generators;
import io.gopherflux.channel.Tee;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The tee-channel: four values of repeat(1, 2) reach two branches in lockstep; reading them in
 * pairs shows both got the same value at the same step.
 */
public final class TeeSample implements Sample {

	@Override
	public String name() {
		return "tee";
	}

	@Override
	public String summary() {
		return "ch. 4 The tee-channel: one stream, two lockstep outputs";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		Tee<Integer> tee = Tee.split(Generators.repeat(1, 2).take(4));
		return tee.first().zipWith(tee.second(), 1)
				.doOnNext(pair -> out.println("out1: " + pair.getT1() + ", out2: " + pair.getT2()))
				.then();
	}
}
