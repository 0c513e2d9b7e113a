package io.gopherflux.samples.channel;

import java.io.PrintStream;
import java.util.stream.Collectors;

import io.gopherflux.channel.Bridge;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The bridge-channel: ten streams of one value each, produced one after the other, read as a
 * single stream.
 */
public final class BridgeSample implements Sample {

	@Override
	public String name() {
		return "bridge";
	}

	@Override
	public String summary() {
		return "ch. 4 The bridge-channel: a stream of streams read as one stream, in order";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		Flux<Flux<Integer>> streams = Flux.range(0, 10).map(Flux::just);
		return Bridge.of(streams)
				.map(String::valueOf)
				.collect(Collectors.joining(" "))
				.doOnNext(out::println)
				.then();
	}
}
