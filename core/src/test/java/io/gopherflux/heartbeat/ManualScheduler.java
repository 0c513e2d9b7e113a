package io.gopherflux.heartbeat;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * A scheduler whose clock the test sets and whose due tasks the test runs, from whichever thread
 * it likes: race tests use it to fire a timer at the same moment as other signals. It has no
 * workers; what needs one fails.
 */
final class ManualScheduler implements Scheduler {

	private static final int PENDING = 0;
	private static final int RUN = 1;
	private static final int DISPOSED = 2;

	private final Queue<Task> tasks = new ConcurrentLinkedQueue<>();
	private volatile long nanos;

	/** Sets the clock. */
	void setNanos(long nanos) {
		this.nanos = nanos;
	}

	/** Runs, on the calling thread, every task due by now that nobody ran or disposed. */
	void runDue() {
		for (Task task : tasks) {
			if (task.due <= nanos) {
				task.runOnce();
			}
		}
	}

	/** Tasks neither run nor disposed. */
	int pending() {
		int pending = 0;
		for (Task task : tasks) {
			if (task.state.get() == PENDING) {
				pending++;
			}
		}
		return pending;
	}

	@Override
	public Disposable schedule(Runnable task) {
		return schedule(task, 0, TimeUnit.NANOSECONDS);
	}

	@Override
	public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
		Task t = new Task(task, nanos + unit.toNanos(delay));
		tasks.add(t);
		return t;
	}

	@Override
	public long now(TimeUnit unit) {
		return unit.convert(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public Worker createWorker() {
		throw new UnsupportedOperationException("ManualScheduler has no workers");
	}

	private static final class Task implements Disposable {

		final Runnable task;
		final long due;
		final AtomicInteger state = new AtomicInteger(PENDING);

		Task(Runnable task, long due) {
			this.task = task;
			this.due = due;
		}

		void runOnce() {
			if (state.compareAndSet(PENDING, RUN)) {
				task.run();
			}
		}

		@Override
		public void dispose() {
			state.compareAndSet(PENDING, DISPOSED);
		}

		@Override
		public boolean isDisposed() {
			return state.get() == DISPOSED;
		}
	}
}
