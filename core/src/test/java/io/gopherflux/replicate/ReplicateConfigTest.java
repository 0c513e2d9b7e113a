package io.gopherflux.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

class ReplicateConfigTest {

	@Test
	void nullAndInvalidArgumentsAreRejectedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> ReplicateConfig.of(0)).withMessageContaining("replicas");
		assertThatNullPointerException().isThrownBy(() -> ReplicateConfig.of(1).withHedgeDelay(null))
				.withMessage("hedgeDelay");
		assertThatNullPointerException().isThrownBy(() -> ReplicateConfig.of(1).withClock(null)).withMessage("clock");
		assertThatNullPointerException().isThrownBy(() -> ReplicateConfig.of(1).withMetrics(null)).withMessage("metrics");

		assertThatNullPointerException().isThrownBy(() -> HedgeDelay.fixed(null)).withMessage("delay");
		assertThatIllegalArgumentException().isThrownBy(() -> HedgeDelay.fixed(Duration.ofMillis(-1)))
				.withMessageContaining("delay");
		assertThatNullPointerException().isThrownBy(() -> HedgeDelay.percentile(95, null)).withMessage("initial");
		assertThatIllegalArgumentException().isThrownBy(() -> HedgeDelay.percentile(0, Duration.ZERO))
				.withMessageContaining("percentile");
		assertThatIllegalArgumentException().isThrownBy(() -> HedgeDelay.percentile(100.5, Duration.ZERO))
				.withMessageContaining("percentile");
		assertThatIllegalArgumentException().isThrownBy(() -> HedgeDelay.percentile(Double.NaN, Duration.ZERO))
				.withMessageContaining("percentile");
		assertThatIllegalArgumentException().isThrownBy(() -> HedgeDelay.percentile(95, Duration.ofMillis(-1)))
				.withMessageContaining("initial");
		assertThatIllegalArgumentException().isThrownBy(() -> new HedgeDelay.Percentile(95, Duration.ZERO, 0, 1))
				.withMessageContaining("window");
		assertThatIllegalArgumentException().isThrownBy(() -> new HedgeDelay.Percentile(95, Duration.ZERO, 4, 5))
				.withMessageContaining("minSamples");
		assertThatIllegalArgumentException().isThrownBy(() -> new HedgeDelay.Percentile(95, Duration.ZERO, 4, 0))
				.withMessageContaining("minSamples");
	}

	@Test
	void defaultsStartAllAtOnceOnParallelWithoutMetrics() {
		ReplicateConfig config = ReplicateConfig.of(3);

		assertThat(config.replicas()).isEqualTo(3);
		assertThat(config.hedgeDelay()).isEqualTo(HedgeDelay.none());
		assertThat(config.clock()).isSameAs(Schedulers.parallel());
		assertThat(config.metrics()).isSameAs(ReplicateMetrics.NOOP);
		assertThat(Replicator.of(config).hedgeDelay()).isZero();
		assertThat(Replicator.of(config.withHedgeDelay(HedgeDelay.fixed(Duration.ofMillis(7)))).hedgeDelay())
				.isEqualTo(Duration.ofMillis(7));
	}
}
