package io.gopherflux.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

import reactor.core.scheduler.Schedulers;

class FanOutConfigTest {

	@Test
	void nullOrderIsRejected() {
		assertThatNullPointerException()
				.isThrownBy(() -> new FanOutConfig(2, null, Schedulers.immediate()))
				.withMessage("order");
	}

	@Test
	void nullSchedulerIsRejected() {
		assertThatNullPointerException()
				.isThrownBy(() -> FanOutConfig.defaults().withScheduler(null))
				.withMessage("scheduler");
	}

	@Test
	void fewerThanOneWorkerIsRejected() {
		assertThatIllegalArgumentException()
				.isThrownBy(() -> FanOutConfig.defaults().withWorkers(0))
				.withMessageContaining("workers")
				.withMessageContaining("0");
	}

	@Test
	void defaultsAreOneWorkerPerProcessorInCompletionOrderOnParallel() {
		FanOutConfig config = FanOutConfig.defaults();
		assertThat(config.workers()).isEqualTo(Runtime.getRuntime().availableProcessors());
		assertThat(config.order()).isEqualTo(FanOutConfig.Order.COMPLETION);
		assertThat(config.scheduler()).isSameAs(Schedulers.parallel());
	}

	@Test
	void withersChangeOneComponent() {
		FanOutConfig config = FanOutConfig.defaults()
				.withWorkers(3)
				.withOrder(FanOutConfig.Order.INPUT)
				.withScheduler(Schedulers.immediate());
		assertThat(config).isEqualTo(new FanOutConfig(3, FanOutConfig.Order.INPUT, Schedulers.immediate()));
	}
}
