package io.gopherflux.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.gopherflux.context.Deadline;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;

class RateLimitTest {

	private static TokenBucket virtualBucket(Limit limit, int burst) {
		return TokenBucket.of(TokenBucketConfig.builder(limit, burst).name("test").timeFrom(Schedulers.parallel()).build());
	}

	/** The virtual second at which each element arrives downstream. */
	private static Flux<String> stamped(Flux<Integer> limited) {
		return limited.map(i -> i + "@" + Schedulers.parallel().now(TimeUnit.MILLISECONDS));
	}

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> RateLimit.elements(null)).withMessage("limiter");
		assertThatNullPointerException().isThrownBy(() -> RateLimit.batches(null, 2)).withMessage("limiter");
		assertThatNullPointerException().isThrownBy(() -> RateLimit.subscriptions(null)).withMessage("limiter");
		assertThatNullPointerException().isThrownBy(() -> RateLimit.subscription(null)).withMessage("limiter");
	}

	@Test
	void invalidBatchSizeIsRejectedByName() {
		TokenBucket bucket = TokenBucket.of(Limit.of(1), 1);
		assertThatIllegalArgumentException().isThrownBy(() -> RateLimit.batches(bucket, 0)).withMessageContaining("batchSize");
	}

	@Test
	void eachElementWaitsForItsPermit() {
		StepVerifier.withVirtualTime(() -> stamped(Flux.range(1, 5).transform(RateLimit.elements(virtualBucket(Limit.of(1), 2)))))
				.expectSubscription()
				.expectNext("1@0", "2@0")
				.expectNoEvent(Duration.ofMillis(999))
				.thenAwait(Duration.ofMillis(1))
				.expectNext("3@1000")
				.thenAwait(Duration.ofSeconds(2))
				.expectNext("4@2000", "5@3000")
				.expectComplete()
				.verify(Duration.ofSeconds(5));
	}

	/**
	 * Issue 13: a bucket with every setting at its default, made inside the supplier, read
	 * System.nanoTime while its timers were virtual, so the elements came at 0, 1, 3, 6 and 10 s.
	 */
	@Test
	void aDefaultBucketMadeUnderVirtualTimeIsEntirelyVirtual() {
		StepVerifier.withVirtualTime(() -> stamped(Flux.range(1, 5).transform(RateLimit.elements(TokenBucket.of(Limit.of(1), 1)))))
				.expectSubscription()
				.expectNext("1@0")
				.thenAwait(Duration.ofSeconds(1))
				.expectNext("2@1000")
				.thenAwait(Duration.ofSeconds(1))
				.expectNext("3@2000")
				.thenAwait(Duration.ofSeconds(1))
				.expectNext("4@3000")
				.thenAwait(Duration.ofSeconds(1))
				.expectNext("5@4000")
				.expectComplete()
				.verify(Duration.ofSeconds(5));
	}

	@Test
	void eachPermitLetsABatchThrough() {
		StepVerifier.withVirtualTime(() -> stamped(Flux.range(1, 7).transform(RateLimit.batches(virtualBucket(Limit.of(1), 1), 3))))
				.expectSubscription()
				.expectNext("1@0", "2@0", "3@0")
				.thenAwait(Duration.ofSeconds(2))
				.expectNext("4@1000", "5@1000", "6@1000", "7@2000")
				.expectComplete()
				.verify(Duration.ofSeconds(5));
	}

	@Test
	void orderAndErrorsOfTheSourcePassThrough() {
		StepVerifier.withVirtualTime(() -> Flux.just(3, 1, 2).concatWith(Mono.error(new IllegalStateException("boom")))
						.transform(RateLimit.elements(virtualBucket(Limit.of(1), 1))))
				.expectSubscription()
				.expectNext(3)
				.thenAwait(Duration.ofSeconds(2))
				.expectNext(1, 2)
				.expectErrorMessage("boom")
				.verify(Duration.ofSeconds(5));
	}

	/** The source is asked for one element per permit, and for the next only once it has arrived. */
	@Test
	void theSourceIsNeverRequestedFasterThanPermits() {
		List<Long> requests = new CopyOnWriteArrayList<>();
		StepVerifier.withVirtualTime(() -> Flux.range(1, 4).doOnRequest(requests::add)
						.transform(RateLimit.elements(virtualBucket(Limit.of(1), 2))))
				.expectSubscription()
				.expectNext(1, 2)
				.then(() -> assertThat(requests).containsExactly(1L, 1L))
				.thenAwait(Duration.ofSeconds(1))
				.expectNext(3)
				.then(() -> assertThat(requests).containsExactly(1L, 1L, 1L))
				.thenAwait(Duration.ofSeconds(1))
				.expectNext(4)
				.expectComplete()
				.verify(Duration.ofSeconds(5));
	}

	@Test
	void downstreamDemandIsHonoured() {
		List<Long> requests = new CopyOnWriteArrayList<>();
		AtomicReference<TokenBucket> bucket = new AtomicReference<>();
		// Virtual time: the bucket must not refill while the test looks at it.
		StepVerifier.withVirtualTime(() -> {
					bucket.set(virtualBucket(Limit.of(1), 10));
					return Flux.range(1, 10).doOnRequest(requests::add).transform(RateLimit.batches(bucket.get(), 4));
				}, 0)
				.expectSubscription()
				.expectNoEvent(Duration.ofMillis(50))
				.then(() -> assertThat(requests).isEmpty())
				.thenRequest(2)
				.expectNext(1, 2)
				.then(() -> assertThat(requests).containsExactly(2L))
				.thenRequest(3)
				.expectNext(3, 4, 5)
				// Two elements were left in the first permit's batch, a second permit covers the third.
				.then(() -> assertThat(requests).containsExactly(2L, 2L, 1L))
				.then(() -> assertThat(bucket.get().tokens()).isBetween(8.0, 8.06))
				.thenCancel()
				.verify(Duration.ofSeconds(5));
	}

	@Test
	void cancellingWhileWaitingCancelsTheSourceAndGivesTheTokensBack() {
		PublisherProbe<Integer> probe = PublisherProbe.of(Flux.range(1, 10));
		AtomicReference<TokenBucket> bucket = new AtomicReference<>();
		StepVerifier.withVirtualTime(() -> {
					bucket.set(virtualBucket(Limit.of(1), 1));
					return probe.flux().transform(RateLimit.elements(bucket.get()));
				})
				.expectSubscription()
				.expectNext(1)
				.thenAwait(Duration.ofMillis(400))
				.thenCancel()
				.verify(Duration.ofSeconds(5));
		probe.assertWasCancelled();
		// The pending permit was given back: 0.4 of a token has come back since the first element.
		assertThat(bucket.get().tokens()).isEqualTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
	}

	@Test
	void sourceCompletingWhileAPermitIsPendingGivesItsTokensBack() {
		TestPublisher<Integer> source = TestPublisher.create();
		AtomicReference<TokenBucket> bucket = new AtomicReference<>();
		StepVerifier.withVirtualTime(() -> {
					bucket.set(virtualBucket(Limit.of(1), 1));
					return source.flux().transform(RateLimit.elements(bucket.get()));
				})
				.expectSubscription()
				.then(() -> source.assertMinRequested(1).assertMaxRequested(1))
				.then(() -> source.next(1))
				.expectNext(1)
				.then(() -> source.assertMaxRequested(0))
				.thenAwait(Duration.ofMillis(250))
				.then(source::complete)
				.expectComplete()
				.verify(Duration.ofSeconds(5));
		assertThat(bucket.get().tokens()).isEqualTo(0.25, org.assertj.core.data.Offset.offset(1e-9));
	}

	@Test
	void aPermitPastTheDeadlineFailsTheFluxAndCancelsTheSource() {
		PublisherProbe<Integer> probe = PublisherProbe.of(Flux.range(1, 10));
		StepVerifier.withVirtualTime(() -> probe.flux()
						.transform(RateLimit.elements(virtualBucket(Limit.of(1), 2)))
						.contextWrite(Deadline.after(Duration.ofMillis(1500), Schedulers.parallel())))
				.expectSubscription()
				.expectNext(1, 2)
				.thenAwait(Duration.ofSeconds(1))
				.expectNext(3)
				.expectError(WaitPastDeadlineException.class)
				.verify(Duration.ofSeconds(5));
		probe.assertWasCancelled();
	}

	@Test
	void zeroRateFailsOnceTheBurstIsUsed() {
		StepVerifier.create(Flux.range(1, 5).transform(RateLimit.elements(TokenBucket.of(Limit.ZERO, 2))))
				.expectNext(1, 2)
				.expectError(PermitsDeniedException.class)
				.verify(Duration.ofSeconds(5));
	}

	@Test
	void nonPositiveRequestIsAnError() {
		PublisherProbe<Integer> probe = PublisherProbe.of(Flux.range(1, 10));
		AtomicReference<Throwable> error = new AtomicReference<>();
		probe.flux().transform(RateLimit.elements(TokenBucket.of(Limit.INF, 1))).subscribe(new BaseSubscriber<Integer>() {
			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				subscription.request(0);
			}

			@Override
			protected void hookOnError(Throwable throwable) {
				error.set(throwable);
			}
		});
		assertThat(error.get()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
		probe.assertWasCancelled();
	}

	@Test
	void oneLimiterIsSharedByEverySubscription() {
		StepVerifier.withVirtualTime(() -> {
					TokenBucket bucket = virtualBucket(Limit.of(1), 1);
					Flux<Integer> limited = Flux.range(1, 2).transform(RateLimit.elements(bucket));
					return stamped(Flux.merge(limited, limited));
				})
				.expectSubscription()
				.expectNext("1@0")
				.thenAwait(Duration.ofSeconds(3))
				.expectNextCount(3)
				.expectComplete()
				.verify(Duration.ofSeconds(5));
	}

	@Test
	void subscriptionsWaitForAPermitEach() {
		AtomicLong subscribed = new AtomicLong();
		StepVerifier.withVirtualTime(() -> {
					TokenBucket bucket = virtualBucket(Limit.of(1), 1);
					Flux<Integer> call = Flux.range(1, 3).doOnSubscribe(s -> subscribed.incrementAndGet())
							.transform(RateLimit.subscriptions(bucket));
					return call.concatWith(call);
				})
				.expectSubscription()
				.expectNext(1, 2, 3)
				.then(() -> assertThat(subscribed).hasValue(1))
				.expectNoEvent(Duration.ofMillis(999))
				.thenAwait(Duration.ofMillis(1))
				.expectNext(1, 2, 3)
				.expectComplete()
				.verify(Duration.ofSeconds(5));
	}

	private static TokenBucket frozenBucket() {
		return TokenBucket.of(TokenBucketConfig.builder(Limit.of(1), 1).clock(() -> 0L).build());
	}

	private static <T> BaseSubscriber<T> cancellingInOnSubscribe() {
		return new BaseSubscriber<T>() {
			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				cancel();
			}
		};
	}

	/** Issue 13: the permit was taken before onSubscribe, and kept when it cancelled. */
	@Test
	void aSubscriptionCancelledInOnSubscribeTakesNoPermit() {
		TokenBucket bucket = frozenBucket();
		PublisherProbe<Integer> flux = PublisherProbe.of(Flux.just(1));
		PublisherProbe<Integer> mono = PublisherProbe.of(Mono.just(1));
		flux.flux().transform(RateLimit.subscriptions(bucket)).subscribe(cancellingInOnSubscribe());
		mono.mono().transform(RateLimit.subscription(bucket)).subscribe(cancellingInOnSubscribe());
		assertThat(bucket.tokens()).isEqualTo(1);
		flux.assertWasNotSubscribed();
		mono.assertWasNotSubscribed();
	}

	@Test
	void monoSubscriptionWaitsForAPermit() {
		StepVerifier.withVirtualTime(() -> {
					TokenBucket bucket = virtualBucket(Limit.of(1), 1);
					Mono<String> call = Mono.just("called").transform(RateLimit.subscription(bucket));
					return call.then(call);
				})
				.expectSubscription()
				.expectNoEvent(Duration.ofMillis(999))
				.thenAwait(Duration.ofMillis(1))
				.expectNext("called")
				.expectComplete()
				.verify(Duration.ofSeconds(5));
	}

	/** A limiter that is not local, as one kept in Redis would be: each decision is one subscription to {@code reserve}. */
	static final class CountingRemoteLimiter implements RateLimiter {

		final TokenBucket bucket;
		final AtomicInteger decisions = new AtomicInteger();

		CountingRemoteLimiter(TokenBucket bucket) {
			this.bucket = bucket;
		}

		@Override
		public String name() {
			return "remote";
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
			return Mono.fromSupplier(() -> {
				decisions.incrementAndGet();
				return bucket.reserveNow(permits, maxWait);
			});
		}
	}

	/** A local limiter that counts how it is asked. */
	static final class CountingLocalLimiter implements LocalRateLimiter {

		final TokenBucket bucket;
		final AtomicInteger tries = new AtomicInteger();
		final AtomicInteger reservations = new AtomicInteger();

		CountingLocalLimiter(TokenBucket bucket) {
			this.bucket = bucket;
		}

		@Override
		public String name() {
			return "local";
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
		public boolean tryAcquire(int permits) {
			tries.incrementAndGet();
			return bucket.tryAcquire(permits);
		}

		@Override
		public Reservation reserveNow(int permits, Duration maxWait) {
			reservations.incrementAndGet();
			return bucket.reserveNow(permits, maxWait);
		}
	}

	/** Issue 14: a remote limiter is asked exactly once per element, never tried first and then asked again. */
	@Test
	void aRemoteLimiterIsAskedOncePerElement() {
		AtomicReference<CountingRemoteLimiter> remote = new AtomicReference<>();
		StepVerifier.withVirtualTime(() -> {
					remote.set(new CountingRemoteLimiter(virtualBucket(Limit.of(1), 2)));
					return stamped(Flux.range(1, 5).transform(RateLimit.elements(remote.get())));
				})
				.expectSubscription()
				.expectNext("1@0", "2@0")
				.thenAwait(Duration.ofSeconds(3))
				.expectNext("3@1000", "4@2000", "5@3000")
				.expectComplete()
				.verify(Duration.ofSeconds(5));
		assertThat(remote.get().decisions).hasValue(5);
	}

	@Test
	void aRemoteLimiterIsAskedOncePerBatchAndPerSubscription() {
		AtomicReference<CountingRemoteLimiter> remote = new AtomicReference<>();
		StepVerifier.withVirtualTime(() -> {
					remote.set(new CountingRemoteLimiter(virtualBucket(Limit.of(1), 1)));
					return Flux.range(1, 7).transform(RateLimit.batches(remote.get(), 3));
				})
				.expectSubscription()
				.expectNext(1, 2, 3)
				.thenAwait(Duration.ofSeconds(2))
				.expectNext(4, 5, 6, 7)
				.expectComplete()
				.verify(Duration.ofSeconds(5));
		assertThat(remote.get().decisions).hasValue(3);

		StepVerifier.withVirtualTime(() -> {
					remote.set(new CountingRemoteLimiter(virtualBucket(Limit.of(1), 1)));
					Flux<Integer> call = Flux.range(1, 2).transform(RateLimit.subscriptions(remote.get()));
					return call.concatWith(call);
				})
				.expectSubscription()
				.expectNext(1, 2)
				.thenAwait(Duration.ofSeconds(1))
				.expectNext(1, 2)
				.expectComplete()
				.verify(Duration.ofSeconds(5));
		assertThat(remote.get().decisions).hasValue(2);
	}

	/** A local limiter is tried synchronously first, and waited for (one reservation) only when it says no. */
	@Test
	void aLocalLimiterIsTriedFirstAndReservedOnlyWhenItHasNoToken() {
		AtomicReference<CountingLocalLimiter> local = new AtomicReference<>();
		StepVerifier.withVirtualTime(() -> {
					local.set(new CountingLocalLimiter(virtualBucket(Limit.of(1), 2)));
					return Flux.range(1, 5).transform(RateLimit.elements(local.get()));
				})
				.expectSubscription()
				.expectNext(1, 2)
				.thenAwait(Duration.ofSeconds(3))
				.expectNext(3, 4, 5)
				.expectComplete()
				.verify(Duration.ofSeconds(5));
		assertThat(local.get().tries).hasValue(5);
		assertThat(local.get().reservations).hasValue(3);
	}
}
