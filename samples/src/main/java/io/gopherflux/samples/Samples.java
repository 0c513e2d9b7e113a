package io.gopherflux.samples;

import java.util.List;
import java.util.Optional;

import io.gopherflux.samples.pipeline.ChunkedWritesSample;
import io.gopherflux.samples.pipeline.PrimeFinderSample;
import io.gopherflux.samples.pipeline.QueuePlacementSample;

/** The catalog of every sample, in the order of the book. */
public final class Samples {

	private static final List<Sample> ALL = List.of(
			new PrimeFinderSample(),
			new QueuePlacementSample(),
			new ChunkedWritesSample()
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
