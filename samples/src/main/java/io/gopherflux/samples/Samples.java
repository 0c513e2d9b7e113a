package io.gopherflux.samples;

import java.util.List;
import java.util.Optional;

import io.gopherflux.samples.channel.BridgeSample;
import io.gopherflux.samples.channel.ConfinementSample;
import io.gopherflux.samples.channel.ErrorHandlingSample;
import io.gopherflux.samples.channel.ForSelectSample;
import io.gopherflux.samples.channel.GeneratorsSample;
import io.gopherflux.samples.channel.OrChannelSample;
import io.gopherflux.samples.channel.OrDoneSample;
import io.gopherflux.samples.channel.PipelineSample;
import io.gopherflux.samples.channel.PreventingLeaksSample;
import io.gopherflux.samples.channel.TeeSample;
import io.gopherflux.samples.context.ContextValuesSample;
import io.gopherflux.samples.context.GreetingSample;
import io.gopherflux.samples.context.PreemptibleSample;
import io.gopherflux.samples.errors.ErrorPropagationSample;
import io.gopherflux.samples.replicate.ReplicatedRequestsSample;
import io.gopherflux.samples.ratelimit.ApiConnectionSample;
import io.gopherflux.samples.heartbeat.IntervalHeartbeatSample;
import io.gopherflux.samples.heartbeat.PerUnitHeartbeatSample;
import io.gopherflux.samples.heartbeat.UnhealthyWorkerSample;
import io.gopherflux.samples.steward.IntegerWardSample;
import io.gopherflux.samples.steward.IrresponsibleWardSample;
import io.gopherflux.samples.pipeline.ChunkedWritesSample;
import io.gopherflux.samples.pipeline.PrimeFinderSample;
import io.gopherflux.samples.pipeline.QueuePlacementSample;

/** The catalog of every sample, in the order of the book. */
public final class Samples {

	private static final List<Sample> ALL = List.of(
			new ConfinementSample(),
			new ForSelectSample(),
			new PreventingLeaksSample(),
			new OrChannelSample(),
			new ErrorHandlingSample(),
			new PipelineSample(),
			new GeneratorsSample(),
			new PrimeFinderSample(),
			new OrDoneSample(),
			new TeeSample(),
			new BridgeSample(),
			new QueuePlacementSample(),
			new ChunkedWritesSample(),
			new ContextValuesSample(),
			GreetingSample.deadline(),
			GreetingSample.failFast(),
			new ErrorPropagationSample(),
			new PreemptibleSample(),
			new IntervalHeartbeatSample(),
			new UnhealthyWorkerSample(),
			new PerUnitHeartbeatSample(),
			new ReplicatedRequestsSample(),
			ApiConnectionSample.unlimited(),
			ApiConnectionSample.oneLimiter(),
			ApiConnectionSample.tiers(),
			ApiConnectionSample.resources(),
			new IrresponsibleWardSample(),
			new IntegerWardSample()
	);

	private Samples() {
	}

	/** Every sample, in book order. */
	public static List<Sample> all() {
		return ALL;
	}

	/** The sample of that name, if there is one. */
	public static Optional<Sample> named(String name) {
		return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
	}
}
