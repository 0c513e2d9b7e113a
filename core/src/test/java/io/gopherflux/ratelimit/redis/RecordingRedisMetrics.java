package io.gopherflux.ratelimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.gopherflux.ratelimit.RateLimiterMetrics;

/** Records what the limiters report, and lets a test wait for a change of Redis's availability. */
final class RecordingRedisMetrics implements RedisLimiterMetrics, RateLimiterMetrics {

	final List<Boolean> changes = new CopyOnWriteArrayList<>();
	private final LinkedBlockingQueue<Boolean> changeQueue = new LinkedBlockingQueue<>();
	final AtomicLong degraded = new AtomicLong();
	final AtomicLong reloads = new AtomicLong();
	final AtomicLong roundTrips = new AtomicLong();
	final AtomicLong granted = new AtomicLong();
	final AtomicLong denied = new AtomicLong();
	final List<Double> returned = new CopyOnWriteArrayList<>();

	@Override
	public void availabilityChanged(boolean available) {
		changes.add(available);
		changeQueue.add(available);
	}

	/** Waits for the next change of availability (a failing test, not a slow one, if it never comes). */
	boolean nextChange(Duration atMost) throws InterruptedException {
		Boolean change = changeQueue.poll(atMost.toMillis(), TimeUnit.MILLISECONDS);
		if (change == null) {
			throw new AssertionError("no change of Redis availability within " + atMost + "; changes so far: " + changes);
		}
		return change;
	}

	@Override
	public void degraded(int permits) {
		degraded.addAndGet(permits);
	}

	@Override
	public void scriptReloaded() {
		reloads.incrementAndGet();
	}

	@Override
	public void roundTrip(long nanos) {
		roundTrips.incrementAndGet();
	}

	@Override
	public void granted(int permits) {
		granted.addAndGet(permits);
	}

	@Override
	public void denied(int permits) {
		denied.addAndGet(permits);
	}

	@Override
	public void waited(long nanos) {
	}

	@Override
	public void returned(double tokens) {
		returned.add(tokens);
	}
}
