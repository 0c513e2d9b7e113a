package io.gopherflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class MicrometerQueueMetricsTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void nullArgumentsAreRejected() {
		assertThatNullPointerException()
				.isThrownBy(() -> new MicrometerQueueMetrics(null, "q"))
				.withMessage("registry");
		assertThatNullPointerException()
				.isThrownBy(() -> new MicrometerQueueMetrics(registry, null))
				.withMessage("stage");
	}

	@Test
	void arrivalsAndDeparturesMoveTheMeters() {
		MicrometerQueueMetrics metrics = new MicrometerQueueMetrics(registry, "ingress");
		metrics.arrived();
		metrics.arrived();
		metrics.arrived();
		metrics.left(2_000_000, QueueMetrics.Outcome.DELIVERED);
		metrics.left(5_000_000, QueueMetrics.Outcome.DROPPED);

		assertThat(metrics.size()).isEqualTo(1);
		assertThat(registry.get("gopherflux.pipeline.queue.size").tag("stage", "ingress").gauge().value())
				.isEqualTo(1.0);
		assertThat(registry.get("gopherflux.pipeline.queue.arrivals").tag("stage", "ingress").counter().count())
				.isEqualTo(3.0);
		assertThat(registry.get("gopherflux.pipeline.queue.time").tags("stage", "ingress", "outcome", "delivered")
				.timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2.0);
		assertThat(registry.get("gopherflux.pipeline.queue.time").tags("stage", "ingress", "outcome", "dropped")
				.timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5.0);

		metrics.left(1_000_000, QueueMetrics.Outcome.DISCARDED);
		assertThat(metrics.size()).isZero();
		assertThat(registry.get("gopherflux.pipeline.queue.time").tags("stage", "ingress", "outcome", "discarded")
				.timer().count()).isEqualTo(1);
	}
}
