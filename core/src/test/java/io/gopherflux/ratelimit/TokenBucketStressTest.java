package io.gopherflux.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Two threads hammering one bucket at once: never more admissions than the bucket allows. */
class TokenBucketStressTest {

	private static final int ATTEMPTS = 1_000_000;

	/** Runs {@code ATTEMPTS} tryAcquire calls on each of two threads started together; returns the admissions. */
	private static long hammer(TokenBucket bucket) throws InterruptedException {
		AtomicLong admitted = new AtomicLong();
		CountDownLatch start = new CountDownLatch(1);
		Thread[] threads = new Thread[2];
		for (int t = 0; t < threads.length; t++) {
			threads[t] = new Thread(() -> {
				long mine = 0;
				try {
					start.await();
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					return;
				}
				for (int i = 0; i < ATTEMPTS; i++) {
					if (bucket.tryAcquire()) {
						mine++;
					}
				}
				admitted.addAndGet(mine);
			});
			threads[t].start();
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		return admitted.get();
	}

	/** tryAcquire allocates nothing, granted or denied (measured by the JVM's per-thread allocation counter). */
	@Test
	void tryAcquireAllocatesNothing() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
		TokenBucket granting = TokenBucket.of(Limit.of(1e9), 1_000_000);
		TokenBucket denying = TokenBucket.of(Limit.ZERO, 1);
		for (int i = 0; i < 20_000; i++) {
			granting.tryAcquire();
			denying.tryAcquire();
		}
		long thread = Thread.currentThread().getId();
		long before = threads.getThreadAllocatedBytes(thread);
		for (int i = 0; i < 100_000; i++) {
			granting.tryAcquire();
			denying.tryAcquire();
		}
		long allocated = threads.getThreadAllocatedBytes(thread) - before;
		// A few hundred bytes at most, from the measurement itself: not one object per call.
		assertThat(allocated).isLessThan(1024);
	}

	/** Time stands still: exactly the burst is admitted, however the two threads interleave. */
	@Test
	void frozenClockAdmitsExactlyTheBurst() throws InterruptedException {
		TokenBucket bucket = TokenBucket.of(TokenBucketConfig.builder(Limit.of(1000), 5000).clock(() -> 42L).build());
		assertThat(hammer(bucket)).isEqualTo(5000);
		assertThat(bucket.tokens()).isZero();
	}

	/**
	 * On the real nanosecond clock: admissions never exceed burst + rate x elapsed (+1 for the
	 * token that may be coming back at the last instant), elapsed being read on the bucket's own
	 * clock before the threads start and after they finish. A bound, not a timing assertion.
	 */
	@Test
	void realClockNeverOverAdmits() throws InterruptedException {
		double rate = 200_000;
		int burst = 100;
		TokenBucket bucket = TokenBucket.of(Limit.of(rate), burst);
		long start = NanoClock.system().nanoTime();
		long admitted = hammer(bucket);
		long elapsed = NanoClock.system().nanoTime() - start;
		assertThat((double) admitted).isLessThanOrEqualTo(burst + rate * elapsed / 1e9 + 1);
		assertThat(admitted).isGreaterThanOrEqualTo(burst);
	}
}
