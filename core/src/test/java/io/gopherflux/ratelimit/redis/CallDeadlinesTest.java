package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.gopherflux.testing.TimerTrackingScheduler;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The calls' timeouts in virtual time: a call answered in time passes through and leaves the queue,
 * one not answered fails at its deadline and not before, many calls share one timer, and a
 * cancelled bound leaves the call alone.
 */
class CallDeadlinesTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	/** Virtual time, counting the timers set on it. */
	private final TimerTrackingScheduler time = new TimerTrackingScheduler();
	private final AtomicInteger timers = time.timersSet;
	private final CallDeadlines deadlines = new CallDeadlines(time, TIMEOUT);

	@AfterEach
	void dispose() {
		time.vts.dispose();
	}

	@Test
	void nullArgumentsAreRefused() {
		assertThatNullPointerException().isThrownBy(() -> new CallDeadlines(null, TIMEOUT)).withMessage("scheduler");
		assertThatNullPointerException().isThrownBy(() -> new CallDeadlines(time, null)).withMessage("timeout");
	}

	@Test
	void aCallAnsweredInTimePassesThroughAndLeavesTheQueue() throws Exception {
		CompletableFuture<String> call = new CompletableFuture<>();
		CompletableFuture<String> bounded = deadlines.bound(call);
		assertThat(deadlines.pending()).isEqualTo(1);

		time.advanceTimeBy(TIMEOUT.minusNanos(1));
		call.complete("answer");

		assertThat(bounded.get()).isEqualTo("answer");
		assertThat(deadlines.pending()).isZero();
		time.advanceTimeBy(TIMEOUT);
		assertThat(bounded.get()).isEqualTo("answer");
	}

	@Test
	void aCallsErrorPassesThrough() {
		CompletableFuture<String> call = new CompletableFuture<>();
		CompletableFuture<String> bounded = deadlines.bound(call);

		call.completeExceptionally(new IllegalStateException("boom"));

		assertThatThrownBy(bounded::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("boom");
		assertThat(deadlines.pending()).isZero();
	}

	@Test
	void aCallNotAnsweredFailsAtItsDeadlineAndNotBefore() {
		CompletableFuture<String> call = new CompletableFuture<>();
		CompletableFuture<String> bounded = deadlines.bound(call);

		time.advanceTimeBy(TIMEOUT.minusNanos(1));
		assertThat(bounded).isNotDone();
		time.advanceTimeBy(Duration.ofNanos(1));

		assertThatThrownBy(bounded::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class)
				.hasMessageContaining("1000 ms");
		assertThat(deadlines.pending()).isZero();
		call.complete("late");
		assertThat(bounded).isCompletedExceptionally();
	}

	@Test
	void callsStartedAtDifferentTimesFailEachAtItsOwnDeadlineOnOneTimer() {
		List<CompletableFuture<String>> bounded = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			bounded.add(deadlines.bound(new CompletableFuture<>()));
			time.advanceTimeBy(Duration.ofMillis(100));
		}
		// Started at 0, 100, ..., 900 ms; now 1000 ms: the first is due.
		assertThat(bounded.get(0)).isCompletedExceptionally();
		assertThat(bounded.subList(1, 10)).allMatch(f -> !f.isDone());
		time.advanceTimeBy(Duration.ofMillis(450));

		assertThat(bounded.subList(0, 5)).allMatch(CompletableFuture::isCompletedExceptionally);
		assertThat(bounded.subList(5, 10)).allMatch(f -> !f.isDone());
		assertThat(timers).as("one timer at a time, armed again once per deadline reached").hasValueLessThanOrEqualTo(6);
		time.advanceTimeBy(TIMEOUT);
		assertThat(bounded).allMatch(CompletableFuture::isCompletedExceptionally);
		assertThat(deadlines.pending()).isZero();
	}

	@Test
	void manyCallsAnsweredInTimeSetOneTimerPerTimeoutNotOnePerCall() {
		for (int i = 0; i < 1_000; i++) {
			CompletableFuture<String> call = new CompletableFuture<>();
			deadlines.bound(call);
			time.advanceTimeBy(Duration.ofMillis(1));
			call.complete("answer");
		}

		assertThat(timers.get()).as("timers for 1000 calls over one timeout").isLessThanOrEqualTo(2);
		assertThat(deadlines.pending()).isZero();
	}

	@Test
	void cancellingTheBoundLeavesTheQueueAndNotTheCall() {
		CompletableFuture<String> call = new CompletableFuture<>();
		CompletableFuture<String> bounded = deadlines.bound(call);

		assertThat(bounded.cancel(true)).isTrue();

		assertThat(deadlines.pending()).isZero();
		assertThat(call).isNotDone();
		call.complete("answer");
		assertThat(bounded).isCancelled();
	}

	@Test
	void withoutATimerTheCallsFailWithTheReason() {
		Scheduler stopped = Schedulers.newSingle("stopped");
		stopped.dispose();
		CallDeadlines onStopped = new CallDeadlines(stopped, TIMEOUT);

		CompletableFuture<String> bounded = onStopped.bound(new CompletableFuture<>());

		assertThatThrownBy(bounded::get).hasCauseInstanceOf(RejectedExecutionException.class);
		assertThat(onStopped.pending()).isZero();
	}
}
