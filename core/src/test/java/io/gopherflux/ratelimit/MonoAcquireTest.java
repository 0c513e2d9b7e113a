package io.gopherflux.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.Scannable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * {@link RateLimiter#acquire(int, Duration)}, built once on {@link RateLimiter#reserve(int, Duration)}
 * for every limiter: here against a limiter that is not local and answers only when the test says
 * so, as a remote one would, to reach every state of its state machine.
 */
class MonoAcquireTest {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
	private final TokenBucket bucket = TokenBucket.of(TokenBucketConfig.builder(Limit.of(1), 2).name("test").scheduler(time).build());
	private final SlowLimiter limiter = new SlowLimiter(bucket);

	@AfterEach
	void cleanUp() {
		time.dispose();
		Hooks.resetOnEachOperator("test");
	}

	/** Reserves on the bucket only when the test calls {@link #answer()}; ignores cancellation, as a late answer would. */
	static class SlowLimiter implements RateLimiter {

		final TokenBucket bucket;
		final AtomicInteger asked = new AtomicInteger();
		volatile Subscriber<? super Reservation> waiting;
		volatile int permits;
		volatile Duration maxWait;

		SlowLimiter(TokenBucket bucket) {
			this.bucket = bucket;
		}

		@Override
		public String name() {
			return bucket.name();
		}

		@Override
		public Limit limit() {
			return bucket.limit();
		}

		@Override
		public int burst() {
			return bucket.burst();
		}

		@Override
		public Scheduler scheduler() {
			return bucket.scheduler();
		}

		@Override
		public Mono<Reservation> reserve(int permits, Duration maxWait) {
			Publisher<Reservation> answerLater = s -> {
				asked.incrementAndGet();
				this.permits = permits;
				this.maxWait = maxWait;
				waiting = s;
				s.onSubscribe(new Subscription() {
					@Override
					public void request(long n) {
					}

					@Override
					public void cancel() {
					}
				});
			};
			return Mono.fromDirect(answerLater);
		}

		Reservation answer() {
			Reservation r = bucket.reserveNow(permits, maxWait);
			waiting.onNext(r);
			waiting.onComplete();
			return r;
		}
	}

	@Test
	void assemblyGoesThroughReactorsHooks() {
		List<Publisher<?>> assembled = new CopyOnWriteArrayList<>();
		Hooks.onEachOperator("test", p -> {
			assembled.add(p);
			return p;
		});
		bucket.acquire();
		assertThat(assembled).anyMatch(p -> p instanceof MonoAcquire);
	}

	@Test
	void asksTheLimiterOnceAndCompletesWhenItGrantsAtOnce() {
		StepVerifier.create(limiter.acquire(2))
				.expectSubscription()
				.then(() -> assertThat(limiter.asked).hasValue(1))
				.then(limiter::answer)
				.verifyComplete();
		assertThat(bucket.tokens()).isZero();
	}

	@Test
	void waitsOnTheSchedulersTimerForAReservationAhead() {
		bucket.tryAcquire(2);
		StepVerifier.create(limiter.acquire())
				.expectSubscription()
				.then(limiter::answer)
				.then(() -> time.advanceTimeBy(Duration.ofMillis(999)))
				.expectNoEvent(Duration.ZERO)
				.then(() -> time.advanceTimeBy(Duration.ofMillis(1)))
				.verifyComplete();
		assertThat(limiter.asked).hasValue(1);
	}

	@Test
	void cancelledWhileTheLimiterDecidesTheReservationIsUndoneWhenItArrives() {
		List<Object> discarded = new CopyOnWriteArrayList<>();
		limiter.acquire(2).doOnDiscard(Reservation.class, discarded::add).subscribe().dispose();
		Reservation late = limiter.answer();
		assertThat(discarded).containsExactly(late);
		assertThat(bucket.tokens()).as("the late grant went back").isEqualTo(2);
	}

	@Test
	void cancelledDuringTheWaitCancelsTheReservationAndTheTimer() {
		bucket.tryAcquire(2);
		AtomicInteger completed = new AtomicInteger();
		AtomicReference<Subscription> subscription = new AtomicReference<>();
		limiter.acquire().subscribe(new BaseSubscriber<Void>() {
			@Override
			protected void hookOnSubscribe(Subscription s) {
				subscription.set(s);
			}

			@Override
			protected void hookOnComplete() {
				completed.incrementAndGet();
			}
		});
		limiter.answer();
		time.advanceTimeBy(Duration.ofMillis(300));
		MonoAcquire.AcquireSubscriber acquiring = (MonoAcquire.AcquireSubscriber) subscription.get();
		assertThat(acquiring.timer).isNotNull();
		subscription.get().cancel();
		assertThat(acquiring.timer.isDisposed()).isTrue();
		assertThat(bucket.tokens()).as("0.3 of a token came back, and the reserved one was given back").isEqualTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
		time.advanceTimeBy(Duration.ofSeconds(5));
		assertThat(completed).hasValue(0);
	}

	@Test
	void cancelledInOnSubscribeNeverAsksTheLimiter() {
		limiter.acquire().subscribe(new BaseSubscriber<Void>() {
			@Override
			protected void hookOnSubscribe(Subscription s) {
				cancel();
			}
		});
		assertThat(limiter.asked).hasValue(0);
	}

	@Test
	void moreThanTheBurstFailsWithoutAskingTheLimiter() {
		StepVerifier.create(limiter.acquire(3)).verifyError(BurstExceededException.class);
		assertThat(limiter.asked).hasValue(0);
	}

	@Test
	void aRefusalIsOneOfTheLimitersExceptions() {
		bucket.tryAcquire(2);
		StepVerifier.create(limiter.acquire(1, Duration.ofMillis(10)))
				.expectSubscription()
				.then(limiter::answer)
				.verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(WaitPastDeadlineException.class).hasMessageContaining("maxWait"));
		assertThat(limiter.maxWait).isEqualTo(Duration.ofMillis(10));
		TokenBucket shut = TokenBucket.of(TokenBucketConfig.builder(Limit.ZERO, 1).scheduler(time).build());
		shut.tryAcquire();
		StepVerifier.create(shut.acquire()).verifyError(PermitsDeniedException.class);
	}

	@Test
	void theLimitersOwnErrorPassesThrough() {
		RateLimiter failing = new SlowLimiter(bucket) {
			@Override
			public Mono<Reservation> reserve(int permits, Duration maxWait) {
				return Mono.error(new IllegalStateException("limiter unavailable"));
			}
		};
		StepVerifier.create(failing.acquire()).verifyErrorMessage("limiter unavailable");
		RateLimiter silent = new SlowLimiter(bucket) {
			@Override
			public Mono<Reservation> reserve(int permits, Duration maxWait) {
				return Mono.empty();
			}
		};
		StepVerifier.create(silent.acquire()).verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("without a reservation"));
	}

	/** Reactive Streams rule 3.9, as the rate-limited Flux does: the tokens go back and the Mono fails. */
	@Test
	void aNonPositiveRequestFailsItAndGivesTheTokensBack() {
		bucket.tryAcquire(2);
		AtomicReference<Throwable> error = new AtomicReference<>();
		AtomicReference<Subscription> subscription = new AtomicReference<>();
		limiter.acquire().subscribe(new BaseSubscriber<Void>() {
			@Override
			protected void hookOnSubscribe(Subscription s) {
				subscription.set(s);
			}

			@Override
			protected void hookOnError(Throwable e) {
				error.set(e);
			}
		});
		limiter.answer();
		subscription.get().request(0);
		assertThat(error.get()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
		assertThat(bucket.tokens()).isZero();
	}

	@Test
	void scansItsParentActualSchedulerAndState() {
		MonoAcquire mono = (MonoAcquire) limiter.acquire();
		assertThat(mono.scanUnsafe(Scannable.Attr.RUN_ON)).isSameAs(time);
		assertThat(mono.scan(Scannable.Attr.RUN_STYLE)).isSameAs(Scannable.Attr.RunStyle.ASYNC);

		AtomicReference<Subscription> subscription = new AtomicReference<>();
		BaseSubscriber<Void> actual = capturing(subscription);
		mono.subscribe(actual);
		Scannable acquiring = Scannable.from(subscription.get());
		assertThat(acquiring.scanUnsafe(Scannable.Attr.ACTUAL)).isSameAs(actual);
		assertThat(acquiring.scanUnsafe(Scannable.Attr.PARENT)).isNotNull();
		assertThat(acquiring.scanUnsafe(Scannable.Attr.RUN_ON)).isSameAs(time);
		assertThat(acquiring.scan(Scannable.Attr.TERMINATED)).isFalse();
		limiter.answer();
		assertThat(acquiring.scan(Scannable.Attr.TERMINATED)).isTrue();
		assertThat(acquiring.scan(Scannable.Attr.CANCELLED)).isFalse();

		mono.subscribe(capturing(subscription));
		Scannable cancelled = Scannable.from(subscription.get());
		subscription.get().cancel();
		assertThat(cancelled.scan(Scannable.Attr.CANCELLED)).isTrue();
		assertThat(cancelled.scan(Scannable.Attr.TERMINATED)).isFalse();
	}

	private static BaseSubscriber<Void> capturing(AtomicReference<Subscription> subscription) {
		return new BaseSubscriber<>() {
			@Override
			protected void hookOnSubscribe(Subscription s) {
				subscription.set(s);
			}
		};
	}
}
