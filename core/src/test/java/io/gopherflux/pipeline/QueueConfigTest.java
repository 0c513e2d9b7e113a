package io.gopherflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

import reactor.core.scheduler.Schedulers;

class QueueConfigTest {

	@Test
	void nullArgumentsAreRejected() {
		assertThatNullPointerException()
				.isThrownBy(() -> QueueConfig.of(null, 1, OverflowPolicy.FAIL))
				.withMessage("name");
		assertThatNullPointerException()
				.isThrownBy(() -> QueueConfig.of("q", 1, null))
				.withMessage("overflow");
		assertThatNullPointerException()
				.isThrownBy(() -> QueueConfig.of("q", 1, OverflowPolicy.FAIL).withClock(null))
				.withMessage("clock");
		assertThatNullPointerException()
				.isThrownBy(() -> QueueConfig.of("q", 1, OverflowPolicy.FAIL).withMetrics(null))
				.withMessage("metrics");
	}

	@Test
	void capacityBelowOneIsRejected() {
		assertThatIllegalArgumentException()
				.isThrownBy(() -> QueueConfig.of("q", 0, OverflowPolicy.BACKPRESSURE))
				.withMessageContaining("capacity")
				.withMessageContaining("0");
	}

	@Test
	void blankNameIsRejected() {
		assertThatIllegalArgumentException()
				.isThrownBy(() -> QueueConfig.of(" ", 1, OverflowPolicy.BACKPRESSURE))
				.withMessageContaining("name");
	}

	@Test
	void ofTimesOnParallelAndRecordsNothing() {
		QueueConfig config = QueueConfig.of("ingress", 64, OverflowPolicy.DROP_OLDEST);
		assertThat(config.name()).isEqualTo("ingress");
		assertThat(config.capacity()).isEqualTo(64);
		assertThat(config.overflow()).isEqualTo(OverflowPolicy.DROP_OLDEST);
		assertThat(config.clock()).isSameAs(Schedulers.parallel());
		assertThat(config.metrics()).isSameAs(QueueMetrics.noop());
	}

	@Test
	void withersChangeOneComponent() {
		QueueMetrics metrics = new QueueMetrics() {
			@Override
			public void arrived() {
			}

			@Override
			public void left(long nanosInStage, Outcome outcome) {
			}
		};
		QueueConfig config = QueueConfig.of("q", 2, OverflowPolicy.FAIL)
				.withClock(Schedulers.immediate())
				.withMetrics(metrics);
		assertThat(config).isEqualTo(new QueueConfig("q", 2, OverflowPolicy.FAIL, Schedulers.immediate(), metrics));
	}
}
