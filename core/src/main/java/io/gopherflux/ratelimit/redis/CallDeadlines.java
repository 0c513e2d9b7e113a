package io.gopherflux.ratelimit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import reactor.core.scheduler.Scheduler;

/**
 * The timeout of every script call of one {@link RedisRateLimiters}, on its scheduler, with one
 * timer for all the calls instead of one per call. All calls have the same timeout, so their
 * deadlines come in the order they start: the calls in flight wait in a queue in that order, a call
 * answered in time leaves it at once, and a single timer, armed for the oldest call's deadline,
 * fails the calls whose deadline has passed when it fires and is armed again for the next one.
 * <p>
 * Why not {@code Mono.timeout}: per call it sets a timer on the scheduler and cancels it a few
 * hundred microseconds later, and on Reactor's schedulers (one-thread executors whose queue is then
 * empty again) each of those wakes a scheduler thread, which on a busy host costs about as much CPU as
 * the rest of the client's work for the call. Here a busy limiter arms the timer about once per timeout.
 * <p>
 * State: the queue and whether the timer is armed, both guarded by this object's monitor; a call
 * completes (answer, error, timeout or cancellation) exactly once, and leaves the queue when it does.
 */
final class CallDeadlines {

	private final Scheduler scheduler;
	private final long timeoutNanos;
	private final String message;

	/** Guarded by this: the calls in flight, oldest first. */
	private Call<?> oldest;
	private Call<?> newest;
	/** Guarded by this: whether a timer is set (for the oldest call's deadline, or an earlier one). */
	private boolean armed;

	/**
	 * @param scheduler whose clock and timers bound the calls
	 * @param timeout   how long a call may take
	 */
	CallDeadlines(Scheduler scheduler, Duration timeout) {
		this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
		this.timeoutNanos = Objects.requireNonNull(timeout, "timeout").toNanos();
		this.message = "Redis did not answer within " + timeout.toMillis() + " ms";
	}

	/**
	 * A future that completes as {@code call} does if it does within the timeout, and with a
	 * {@link TimeoutException} otherwise. Cancelling it leaves {@code call} alone (a script already
	 * sent still runs) and drops it from the queue.
	 *
	 * @param call the call to bound
	 * @param <T>  what the call answers
	 * @return the bounded call
	 */
	<T> CompletableFuture<T> bound(CompletableFuture<T> call) {
		Call<T> bounded = new Call<>(this);
		boolean arm;
		synchronized (this) {
			// Read under the lock, so the queue stays in the order of the deadlines.
			bounded.deadline = scheduler.now(TimeUnit.NANOSECONDS) + timeoutNanos;
			if (newest == null) {
				oldest = bounded;
			}
			else {
				newest.newer = bounded;
				bounded.older = newest;
			}
			newest = bounded;
			arm = !armed;
			armed = true;
		}
		if (arm) {
			arm(timeoutNanos);
		}
		call.whenComplete(bounded::settle);
		return bounded;
	}

	private void arm(long delayNanos) {
		try {
			scheduler.schedule(this::expire, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException e) {
			// No timer can be set (the scheduler is shut down): the calls waiting for one fail with the reason.
			List<Call<?>> all = new ArrayList<>();
			synchronized (this) {
				while (oldest != null) {
					all.add(oldest);
					unlink(oldest);
				}
				armed = false;
			}
			for (Call<?> call : all) {
				call.completeExceptionally(e);
			}
		}
	}

	/** The timer: fails the calls past their deadline, and is armed again for the oldest remaining one. */
	private void expire() {
		long now = scheduler.now(TimeUnit.NANOSECONDS);
		List<Call<?>> due = new ArrayList<>();
		long next = 0;
		boolean again;
		synchronized (this) {
			while (oldest != null && oldest.deadline - now <= 0) {
				due.add(oldest);
				unlink(oldest);
			}
			again = oldest != null;
			if (again) {
				next = oldest.deadline;
			}
			else {
				armed = false;
			}
		}
		if (again) {
			arm(next - now);
		}
		for (Call<?> call : due) {
			call.completeExceptionally(new TimeoutException(message));
		}
	}

	/** Guarded by this. */
	private void unlink(Call<?> call) {
		if (!call.queued) {
			return;
		}
		call.queued = false;
		if (call.older == null) {
			oldest = call.newer;
		}
		else {
			call.older.newer = call.newer;
		}
		if (call.newer == null) {
			newest = call.older;
		}
		else {
			call.newer.older = call.older;
		}
		call.older = null;
		call.newer = null;
	}

	private synchronized void leave(Call<?> call) {
		unlink(call);
	}

	/** How many calls are waiting for an answer or their deadline. */
	synchronized int pending() {
		int n = 0;
		for (Call<?> call = oldest; call != null; call = call.newer) {
			n++;
		}
		return n;
	}

	/** A call in flight: a future of its own, linked into the queue until it completes. */
	private static final class Call<T> extends CompletableFuture<T> {

		private final CallDeadlines deadlines;
		/** The rest guarded by the deadlines' monitor. */
		long deadline;
		Call<?> older;
		Call<?> newer;
		boolean queued = true;

		Call(CallDeadlines deadlines) {
			this.deadlines = deadlines;
		}

		void settle(T value, Throwable error) {
			if (isDone()) {
				return;
			}
			deadlines.leave(this);
			if (error != null) {
				completeExceptionally(error);
			}
			else {
				complete(value);
			}
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			boolean cancelled = super.cancel(mayInterruptIfRunning);
			deadlines.leave(this);
			return cancelled;
		}
	}
}
