package io.gopherflux.server.limit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gopherflux.pipeline.FanOut;
import io.gopherflux.pipeline.FanOutConfig;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pool's turns, driven by hand: an executor that only records what it is given, and runs a
 * task when the test says so. Which client's task gets a freed slot is then a fact, not a timing.
 */
class FairWorkersTest {

	/** Records the tasks it is given; the test runs them, in any order. */
	static final class ManualExecutor extends AbstractExecutorService {

		final List<Runnable> started = new ArrayList<>();
		final List<String> owners = new ArrayList<>();
		boolean shutdown;

		@Override
		public void execute(Runnable task) {
			if (shutdown) {
				throw new RejectedExecutionException("shut down");
			}
			started.add(task);
		}

		/** Runs the {@code i}-th task handed over so far. */
		void finish(int i) {
			started.get(i).run();
		}

		@Override
		public void shutdown() {
			shutdown = true;
		}

		@Override
		public List<Runnable> shutdownNow() {
			shutdown = true;
			return List.of();
		}

		@Override
		public boolean isShutdown() {
			return shutdown;
		}

		@Override
		public boolean isTerminated() {
			return shutdown;
		}

		@Override
		public boolean awaitTermination(long timeout, TimeUnit unit) {
			return true;
		}
	}

	final ManualExecutor executor = new ManualExecutor();

	/** Schedules a task of {@code client} that records, when it runs, whose it was. */
	Disposable task(FairWorkers pool, String client, List<String> ran) {
		return pool.forClient(client).schedule(() -> ran.add(client));
	}

	@Test
	void nullAndBadArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> new FairWorkers(null, 1)).withMessage("executor");
		assertThatIllegalArgumentException().isThrownBy(() -> new FairWorkers(executor, 0)).withMessageContaining("slots");
		assertThatNullPointerException().isThrownBy(() -> FairWorkers.newPool(null, 1)).withMessage("name");
		assertThatIllegalArgumentException().isThrownBy(() -> FairWorkers.newPool("w", 0)).withMessageContaining("threads");
		FairWorkers pool = new FairWorkers(executor, 1);
		assertThatNullPointerException().isThrownBy(() -> pool.forClient(null)).withMessage("client");
		assertThatNullPointerException().isThrownBy(() -> pool.forClient("a").schedule(null)).withMessage("task");
	}

	@Test
	void atMostSlotsTasksRunAtOnceTheOthersWait() {
		FairWorkers pool = new FairWorkers(executor, 2);
		List<String> ran = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			task(pool, "a", ran);
		}

		assertThat(executor.started).hasSize(2);
		assertThat(pool.running("a")).isEqualTo(2);
		assertThat(pool.waiting("a")).isEqualTo(3);
		executor.finish(0);
		assertThat(executor.started).hasSize(3);
		assertThat(pool.running()).isEqualTo(2);
		for (int i = 1; i < 5; i++) {
			executor.finish(i);
		}
		assertThat(ran).hasSize(5);
		assertThat(pool.running()).isZero();
		assertThat(pool.waiting("a")).isZero();
	}

	@Test
	void aHogCannotHoldMoreThanItsShareOfTheWorkersWhileAnotherClientWaits() {
		FairWorkers pool = new FairWorkers(executor, 4);
		List<String> ran = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			task(pool, "hog", ran);
		}
		assertThat(pool.running("hog")).as("alone, the hog may use every worker").isEqualTo(4);

		for (int i = 0; i < 8; i++) {
			task(pool, "small", ran);
		}
		// Running tasks are not stopped; each slot they free goes to the client with the fewest running.
		int finished = 0;
		List<String> order = new ArrayList<>();
		while (pool.waiting("small") > 0) {
			executor.finish(finished++);
			order.add(pool.running("small") + "/" + pool.running("hog"));
		}

		assertThat(order).startsWith("1/3", "2/2");
		for (String state : order.subList(1, order.size())) {
			assertThat(state).as("small/hog running after each finished task").isIn("2/2", "1/2", "2/1");
		}
	}

	@Test
	void clientsWithAsManyRunningTakeTurns() {
		FairWorkers pool = new FairWorkers(executor, 1);
		List<String> ran = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			task(pool, "a", ran);
			task(pool, "b", ran);
			task(pool, "c", ran);
		}
		for (int i = 0; i < 9; i++) {
			executor.finish(i);
		}

		assertThat(ran).containsExactly("a", "b", "c", "a", "b", "c", "a", "b", "c");
	}

	@Test
	void aWaitingTaskThatIsDisposedNeverRunsAndARunningOneFreesItsSlot() {
		FairWorkers pool = new FairWorkers(executor, 1);
		List<String> ran = new ArrayList<>();
		Disposable first = task(pool, "a", ran);
		Disposable second = task(pool, "b", ran);
		task(pool, "c", ran);

		second.dispose();
		assertThat(second.isDisposed()).isTrue();
		first.dispose();

		assertThat(executor.started).as("c took the freed slot, b was skipped").hasSize(2);
		executor.finish(0);
		executor.finish(1);
		assertThat(ran).containsExactly("c");
		assertThat(pool.running()).isZero();
		assertThat(pool.waiting("b")).isZero();
	}

	@Test
	void aDisposedWorkerCancelsItsTasksAndRefusesNewOnes() {
		FairWorkers pool = new FairWorkers(executor, 1);
		List<String> ran = new ArrayList<>();
		task(pool, "a", ran);
		Scheduler.Worker worker = pool.forClient("b").createWorker();
		worker.schedule(() -> ran.add("b"));

		worker.dispose();

		assertThat(worker.isDisposed()).isTrue();
		assertThat(pool.waiting("b")).isZero();
		assertThatThrownBy(() -> worker.schedule(() -> ran.add("late"))).isInstanceOf(RejectedExecutionException.class);
		executor.finish(0);
		assertThat(ran).containsExactly("a");
	}

	@Test
	void aClosedPoolCancelsWhatWaitsAndRefusesNewTasks() {
		FairWorkers pool = new FairWorkers(executor, 1);
		List<String> ran = new ArrayList<>();
		task(pool, "a", ran);
		Disposable waiting = task(pool, "b", ran);

		pool.close();

		assertThat(waiting.isDisposed()).isTrue();
		assertThat(pool.forClient("a").isDisposed()).isTrue();
		assertThatThrownBy(() -> task(pool, "a", ran)).isInstanceOf(RejectedExecutionException.class);
		assertThat(executor.shutdown).as("the caller's executor stays open").isFalse();
	}

	@Test
	void aFanOutOnAClientsSchedulerFindsWhatItWouldFindElsewhere() {
		try (FairWorkers pool = FairWorkers.newPool("fair-test", 2)) {
			AtomicInteger tested = new AtomicInteger();
			FanOutConfig config = FanOutConfig.defaults().withWorkers(4).withScheduler(pool.forClient("a"));

			List<Integer> evens = Flux.range(0, 100)
					.transform(FanOut.filter(config, i -> {
						tested.incrementAndGet();
						return i % 2 == 0;
					}))
					.collectSortedList()
					.block(Duration.ofSeconds(20));

			assertThat(evens).hasSize(50).startsWith(0, 2, 4);
			assertThat(tested).hasValue(100);
		}
	}
}
