package io.gopherflux.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.gopherflux.context.Deadline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class MultiLimiterTest {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	@AfterEach
	void disposeTime() {
		time.dispose();
	}

	private TokenBucket bucket(String name, Limit limit, int burst) {
		return TokenBucket.of(TokenBucketConfig.builder(limit, burst).name(name).timeFrom(time).build());
	}

	private void advanceTo(Duration instant) {
		time.advanceTimeTo(Instant.EPOCH.plus(instant));
	}

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> MultiLimiter.of((LocalRateLimiter[]) null)).withMessage("limiters");
		assertThatNullPointerException().isThrownBy(() -> MultiLimiter.of((List<LocalRateLimiter>) null)).withMessage("limiters");
		assertThatNullPointerException().isThrownBy(() -> MultiLimiter.of(bucket("a", Limit.of(1), 1), null))
				.withMessage("limiters[1]");
	}

	@Test
	void invalidArgumentsAreRejectedByName() {
		assertThatIllegalArgumentException().isThrownBy(MultiLimiter::of).withMessageContaining("limiters");
		MultiLimiter multi = MultiLimiter.of(bucket("a", Limit.of(1), 1));
		assertThatIllegalArgumentException().isThrownBy(() -> multi.tryAcquire(0)).withMessageContaining("permits");
		assertThatIllegalArgumentException().isThrownBy(() -> multi.reserveNow(1, Duration.ofSeconds(-1)))
				.withMessageContaining("maxWait");
	}

	@Test
	void limitIsTheMostRestrictiveAndBurstTheSmallest() {
		TokenBucket perSecond = bucket("second", Limit.per(2, Duration.ofSeconds(1)), 1);
		TokenBucket perMinute = bucket("minute", Limit.per(10, Duration.ofMinutes(1)), 10);
		TokenBucket unlimited = bucket("free", Limit.INF, 1);
		MultiLimiter multi = MultiLimiter.of(unlimited, perSecond, perMinute);
		assertThat(multi.limiters()).containsExactly(perMinute, perSecond, unlimited);
		assertThat(multi.limit()).isEqualTo(perMinute.limit());
		assertThat(multi.burst()).isEqualTo(1);
		assertThat(multi.name()).isEqualTo("minute+second+free");
		assertThat(multi.scheduler()).isSameAs(time);
	}

	@Test
	void tryAcquireTakesFromAllOrFromNone() {
		TokenBucket wide = bucket("wide", Limit.of(1), 5);
		TokenBucket narrow = bucket("narrow", Limit.of(1), 1);
		MultiLimiter multi = MultiLimiter.of(wide, narrow);
		assertThat(multi.tryAcquire()).isTrue();
		assertThat(multi.tryAcquire()).isFalse();
		assertThat(wide.tokens()).isEqualTo(4);
		assertThat(narrow.tokens()).isZero();
	}

	@Test
	void reservationWaitsForTheLongestAndCancelGivesBackToAll() {
		TokenBucket fast = bucket("fast", Limit.of(2), 1);
		TokenBucket slow = bucket("slow", Limit.of(0.5), 1);
		MultiLimiter multi = MultiLimiter.of(fast, slow);
		assertThat(multi.tryAcquire()).isTrue();
		Reservation r = multi.reserveNow(1);
		assertThat(r.ok()).isTrue();
		assertThat(r.delay()).isEqualTo(Duration.ofSeconds(2));
		advanceTo(Duration.ofSeconds(1));
		// The fast bucket's own wait (0.5 s) is over, but the request has not acted: all comes back.
		r.cancel();
		assertThat(fast.tokens()).isEqualTo(1);
		assertThat(slow.tokens()).isEqualTo(0.5);
	}

	@Test
	void refusalByOneGivesBackWhatTheOthersReserved() {
		TokenBucket slow = bucket("slow", Limit.of(0.5), 2);
		TokenBucket fast = bucket("fast", Limit.of(2), 1);
		slow.tryAcquire(2);
		for (int i = 0; i < 10; i++) {
			fast.reserveNow(1);
		}
		// slow (the most restrictive, asked first) grants in 2 s; fast would need 5 s.
		Reservation r = MultiLimiter.of(fast, slow).reserveNow(1, Duration.ofSeconds(3));
		assertThat(r.ok()).isFalse();
		assertThat(r.delay()).isEqualTo(Duration.ofSeconds(5));
		assertThat(slow.tokens()).isZero();
		assertThat(fast.tokens()).isEqualTo(-9);
	}

	@Test
	void acquireFailsFastOnADeadlineWithoutTakingAnything() {
		TokenBucket[] buckets = new TokenBucket[2];
		StepVerifier.withVirtualTime(() -> {
					buckets[0] = TokenBucket.of(TokenBucketConfig.builder(Limit.of(1), 1).name("api").timeFrom(Schedulers.parallel()).build());
					buckets[1] = TokenBucket.of(TokenBucketConfig.builder(Limit.of(0.1), 1).name("disk").timeFrom(Schedulers.parallel()).build());
					MultiLimiter multi = MultiLimiter.of(buckets);
					multi.tryAcquire();
					return multi.acquire().contextWrite(Deadline.after(Duration.ofSeconds(5), Schedulers.parallel()));
				})
				.expectSubscription()
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WaitPastDeadlineException.class).hasMessageContaining("'disk+api'"))
				.verify(Duration.ofSeconds(5));
		assertThat(buckets[0].tokens()).isZero();
		assertThat(buckets[1].tokens()).isZero();
	}

	@Test
	void acquireMoreThanTheSmallestBurstFails() {
		MultiLimiter multi = MultiLimiter.of(bucket("a", Limit.of(1), 5), bucket("b", Limit.of(1), 2));
		StepVerifier.create(multi.acquire(3))
				.expectError(BurstExceededException.class)
				.verify(Duration.ofSeconds(5));
	}

	/** The book's tiers: 2/s (burst 1) and 10/min (burst 10), twenty requests at once. */
	@Test
	void bookTiersGrantTwoASecondThenOneEverySixSeconds() {
		MultiLimiter multi = MultiLimiter.of(bucket("second", Limit.per(2, Duration.ofSeconds(1)), 1),
				bucket("minute", Limit.per(10, Duration.ofMinutes(1)), 10));
		long[] delaysMs = new long[20];
		for (int i = 0; i < 20; i++) {
			delaysMs[i] = multi.reserveNow(1).delay().toMillis();
		}
		assertThat(delaysMs).containsExactly(0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500,
				6000, 12000, 18000, 24000, 30000, 36000, 42000, 48000, 54000, 60000);
	}

	@Test
	void multiLimitersNest() {
		TokenBucket a = bucket("a", Limit.of(1), 1);
		TokenBucket b = bucket("b", Limit.of(1), 2);
		TokenBucket c = bucket("c", Limit.of(1), 3);
		MultiLimiter outer = MultiLimiter.of(MultiLimiter.of(b, c), a);
		assertThat(outer.tryAcquire()).isTrue();
		assertThat(outer.tryAcquire()).isFalse();
		assertThat(a.tokens()).isZero();
		assertThat(b.tokens()).isEqualTo(1);
		assertThat(c.tokens()).isEqualTo(2);
	}

	@Test
	void aRefusalLateInTheListGivesBackWhatTheFirstTookEvenAcrossNesting() {
		TokenBucket a = bucket("a", Limit.of(1), 2);
		TokenBucket b = bucket("b", Limit.of(2), 2);
		TokenBucket c = bucket("c", Limit.of(3), 1);
		MultiLimiter outer = MultiLimiter.of(MultiLimiter.of(a, c), b);
		c.tryAcquire();
		assertThat(outer.tryAcquire()).isFalse();
		assertThat(a.tokens()).isEqualTo(2);
		assertThat(b.tokens()).isEqualTo(2);
		assertThat(outer.reserveNow(1, Duration.ZERO).ok()).isFalse();
		assertThat(a.tokens()).isEqualTo(2);
		assertThat(b.tokens()).isEqualTo(2);
	}

	/** A local limiter that is not a bucket: its reservations are undone when another limiter refuses. */
	@Test
	void anyLocalLimiterTakesPartAndIsUndoneOnARefusal() {
		TokenBucket inner = bucket("inner", Limit.of(1), 2);
		LocalRateLimiter wrapped = new LocalRateLimiter() {
			@Override
			public String name() {
				return "wrapped";
			}

			@Override
			public Limit limit() {
				return inner.limit();
			}

			@Override
			public int burst() {
				return inner.burst();
			}

			@Override
			public reactor.core.scheduler.Scheduler scheduler() {
				return inner.scheduler();
			}

			@Override
			public boolean tryAcquire(int permits) {
				throw new AssertionError("a MultiLimiter reserves on limiters it cannot undo otherwise");
			}

			@Override
			public Reservation reserveNow(int permits, Duration maxWait) {
				return inner.reserveNow(permits, maxWait);
			}
		};
		TokenBucket narrow = bucket("narrow", Limit.of(2), 1);
		MultiLimiter multi = MultiLimiter.of(wrapped, narrow);
		assertThat(multi.tryAcquire()).isTrue();
		assertThat(multi.tryAcquire()).isFalse();
		assertThat(inner.tokens()).as("one taken, the refused one given back").isEqualTo(1);
		assertThat(narrow.tokens()).isZero();
	}

	/** tryAcquire allocates nothing over buckets, nested or not, granted or refused (the JVM's per-thread counter). */
	@Test
	void tryAcquireOverBucketsAllocatesNothing() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
		MultiLimiter granting = MultiLimiter.of(MultiLimiter.of(TokenBucket.of(Limit.of(1e9), 1_000_000),
				TokenBucket.of(Limit.of(2e9), 1_000_000)), TokenBucket.of(Limit.of(3e9), 1_000_000));
		// The first grants, the second refuses: every refusal gives the first bucket's token back.
		MultiLimiter refusing = MultiLimiter.of(TokenBucket.of(Limit.of(1e9), 1_000_000), TokenBucket.of(Limit.ZERO, 1));
		refusing.tryAcquire();
		for (int i = 0; i < 20_000; i++) {
			granting.tryAcquire();
			refusing.tryAcquire();
		}
		long thread = Thread.currentThread().getId();
		long before = threads.getThreadAllocatedBytes(thread);
		for (int i = 0; i < 100_000; i++) {
			granting.tryAcquire();
			refusing.tryAcquire();
		}
		long allocated = threads.getThreadAllocatedBytes(thread) - before;
		// A few hundred bytes at most, from the measurement itself: not one object per call.
		assertThat(allocated).isLessThan(1024);
	}
}
