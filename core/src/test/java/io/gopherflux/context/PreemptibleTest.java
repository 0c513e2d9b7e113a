package io.gopherflux.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class PreemptibleTest {

	/** Sums 1..n, {@code chunkSize} numbers per chunk; state is {sum, next}. */
	private static Mono<Long> sum(long n, int chunkSize, AtomicInteger chunks) {
		return Preemptible.compute(() -> new long[] {0, 1}, s -> {
			chunks.incrementAndGet();
			for (int i = 0; i < chunkSize && s[1] <= n; i++, s[1]++) {
				s[0] += s[1];
			}
			return s[1] > n;
		}, s -> s[0]);
	}

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> Preemptible.compute(null, s -> true, s -> s))
				.withMessage("initialState");
		assertThatNullPointerException().isThrownBy(() -> Preemptible.compute(() -> 1, null, s -> s))
				.withMessage("chunk");
		assertThatNullPointerException().isThrownBy(() -> Preemptible.compute(() -> 1, s -> true, null))
				.withMessage("result");
	}

	@Test
	void runsChunksUntilDoneAndEmitsTheResult() {
		AtomicInteger chunks = new AtomicInteger();

		StepVerifier.create(sum(1000, 100, chunks)).expectNext(500_500L).verifyComplete();

		assertThat(chunks).hasValue(10);
	}

	@Test
	void eachSubscriptionStartsFromAFreshState() {
		AtomicInteger chunks = new AtomicInteger();
		Mono<Long> sum = sum(10, 3, chunks);

		StepVerifier.create(sum).expectNext(55L).verifyComplete();
		StepVerifier.create(sum).expectNext(55L).verifyComplete();
		assertThat(chunks).hasValue(8);
	}

	@Test
	void failingChunkFailsTheMonoAndNoFurtherChunkRuns() {
		AtomicInteger chunks = new AtomicInteger();
		IllegalStateException boom = new IllegalStateException("boom");

		StepVerifier.create(Preemptible.compute(() -> 0, s -> {
					if (chunks.incrementAndGet() == 2) {
						throw boom;
					}
					return false;
				}, s -> s))
				.expectErrorMatches(e -> e == boom)
				.verify();
		assertThat(chunks).hasValue(2);
	}

	@Test
	void nullResultIsAnError() {
		StepVerifier.create(Preemptible.compute(() -> 0, s -> true, s -> null))
				.expectError(NullPointerException.class)
				.verify();
	}

	@Test
	void cancelFromAnotherThreadStopsItWithinOneChunk() throws InterruptedException {
		Scheduler cpu = Schedulers.newSingle("preemptible-test");
		try {
			AtomicInteger chunks = new AtomicInteger();
			CountDownLatch inThirdChunk = new CountDownLatch(1);
			CountDownLatch cancelled = new CountDownLatch(1);
			Mono<Integer> endless = Preemptible.compute(() -> 0, s -> {
				if (chunks.incrementAndGet() == 3) {
					inThirdChunk.countDown();
					await(cancelled);
				}
				return false;
			}, s -> s).subscribeOn(cpu);

			Disposable subscription = endless.subscribe();
			assertThat(inThirdChunk.await(10, TimeUnit.SECONDS)).isTrue();
			subscription.dispose();
			cancelled.countDown();

			// The single worker runs this only after the computation has returned.
			CountDownLatch computationReturned = new CountDownLatch(1);
			cpu.schedule(computationReturned::countDown);
			assertThat(computationReturned.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(chunks).as("the chunk under way finished, no further chunk ran").hasValue(3);
		}
		finally {
			cpu.dispose();
		}
	}

	@Test
	void cancelDuringAChunkOnTheSameThreadStopsItAfterThatChunk() {
		AtomicInteger chunks = new AtomicInteger();
		BaseSubscriber<Integer> subscriber = new BaseSubscriber<>() {
		};
		Mono<Integer> endless = Preemptible.compute(() -> 0, s -> {
			if (chunks.incrementAndGet() == 3) {
				subscriber.dispose();
			}
			return false;
		}, s -> s);

		endless.subscribe(subscriber);

		assertThat(chunks).hasValue(3);
		assertThat(subscriber.isDisposed()).isTrue();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}
}
