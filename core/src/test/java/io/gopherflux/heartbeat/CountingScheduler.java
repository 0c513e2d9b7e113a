package io.gopherflux.heartbeat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A virtual-time scheduler that counts what is alive on it: timer tasks scheduled and neither
 * run (one-shot) nor disposed, and workers not disposed. Tests use it to prove that cancelling
 * stops every timer and that restarts do not pile timers up.
 */
public final class CountingScheduler implements Scheduler {

	private final VirtualTimeScheduler delegate;
	private final AtomicInteger liveTasks = new AtomicInteger();
	private final AtomicInteger liveWorkers = new AtomicInteger();
	private final AtomicLong scheduled = new AtomicLong();

	private CountingScheduler(VirtualTimeScheduler delegate) {
		this.delegate = delegate;
	}

	/** A counting scheduler over a new virtual-time scheduler. */
	public static CountingScheduler create() {
		return new CountingScheduler(VirtualTimeScheduler.create());
	}

	/** The clock to advance, and to hand to {@code StepVerifier.withVirtualTime}. */
	public VirtualTimeScheduler virtualTime() {
		return delegate;
	}

	/** Tasks scheduled directly on this scheduler that are still pending. */
	public int liveTasks() {
		return liveTasks.get();
	}

	/** Workers created and not yet disposed (each Flux.interval holds one). */
	public int liveWorkers() {
		return liveWorkers.get();
	}

	/** Live tasks plus live workers: every timer that may still fire. */
	public int liveTimers() {
		return liveTasks() + liveWorkers();
	}

	/** How many tasks were ever scheduled directly. */
	public long scheduledTasks() {
		return scheduled.get();
	}

	@Override
	public Disposable schedule(Runnable task) {
		Counted counted = new Counted(task, false);
		counted.delegate = delegate.schedule(counted);
		return counted;
	}

	@Override
	public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
		Counted counted = new Counted(task, false);
		counted.delegate = delegate.schedule(counted, delay, unit);
		return counted;
	}

	@Override
	public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
		Counted counted = new Counted(task, true);
		counted.delegate = delegate.schedulePeriodically(counted, initialDelay, period, unit);
		return counted;
	}

	@Override
	public long now(TimeUnit unit) {
		return delegate.now(unit);
	}

	@Override
	public Worker createWorker() {
		liveWorkers.incrementAndGet();
		Worker worker = delegate.createWorker();
		AtomicBoolean disposed = new AtomicBoolean();
		return new Worker() {
			@Override
			public Disposable schedule(Runnable task) {
				return worker.schedule(task);
			}

			@Override
			public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
				return worker.schedule(task, delay, unit);
			}

			@Override
			public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
				return worker.schedulePeriodically(task, initialDelay, period, unit);
			}

			@Override
			public void dispose() {
				if (disposed.compareAndSet(false, true)) {
					liveWorkers.decrementAndGet();
				}
				worker.dispose();
			}

			@Override
			public boolean isDisposed() {
				return worker.isDisposed();
			}
		};
	}

	@Override
	public void dispose() {
		delegate.dispose();
	}

	private final class Counted implements Runnable, Disposable {

		final Runnable task;
		final boolean periodic;
		final AtomicBoolean over = new AtomicBoolean();
		volatile Disposable delegate;

		Counted(Runnable task, boolean periodic) {
			this.task = task;
			this.periodic = periodic;
			scheduled.incrementAndGet();
			liveTasks.incrementAndGet();
		}

		@Override
		public void run() {
			if (over.get()) {
				return;
			}
			try {
				task.run();
			}
			finally {
				if (!periodic) {
					finish();
				}
			}
		}

		@Override
		public void dispose() {
			finish();
			Disposable d = delegate;
			if (d != null) {
				d.dispose();
			}
		}

		@Override
		public boolean isDisposed() {
			return over.get();
		}

		private void finish() {
			if (over.compareAndSet(false, true)) {
				liveTasks.decrementAndGet();
			}
		}
	}
}
