package io.gopherflux.testing;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/** A virtual-time scheduler that counts the timed tasks set, and those still pending (neither run nor disposed). */
public final class TimerTrackingScheduler implements Scheduler {

	public final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
	public final AtomicInteger pendingTimers = new AtomicInteger();
	public final AtomicInteger timersSet = new AtomicInteger();

	@Override
	public Disposable schedule(Runnable task) {
		return vts.schedule(task);
	}

	@Override
	public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
		timersSet.incrementAndGet();
		pendingTimers.incrementAndGet();
		AtomicInteger once = new AtomicInteger();
		Disposable d = vts.schedule(() -> {
			if (once.compareAndSet(0, 1)) {
				pendingTimers.decrementAndGet();
			}
			task.run();
		}, delay, unit);
		return () -> {
			if (once.compareAndSet(0, 1)) {
				pendingTimers.decrementAndGet();
			}
			d.dispose();
		};
	}

	@Override
	public long now(TimeUnit unit) {
		return vts.now(unit);
	}

	@Override
	public Worker createWorker() {
		return vts.createWorker();
	}

	public void advanceTimeBy(java.time.Duration d) {
		vts.advanceTimeBy(d);
	}
}
