package io.gopherflux.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.gopherflux.context.Deadline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class TokenBucketTest {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	@AfterEach
	void disposeTime() {
		time.dispose();
	}

	private TokenBucket bucket(Limit limit, int burst) {
		return TokenBucket.of(TokenBucketConfig.builder(limit, burst).name("test").timeFrom(time).build());
	}

	private void advanceTo(Duration instant) {
		time.advanceTimeTo(Instant0.plus(instant));
	}

	private static final java.time.Instant Instant0 = java.time.Instant.EPOCH;

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> TokenBucket.of(null)).withMessage("config");
		assertThatNullPointerException().isThrownBy(() -> TokenBucket.of(null, 1)).withMessage("limit");
		TokenBucket bucket = bucket(Limit.of(1), 1);
		assertThatNullPointerException().isThrownBy(() -> bucket.reserveNow(1, null)).withMessage("maxWait");
		assertThatNullPointerException().isThrownBy(() -> bucket.reserve(1, null)).withMessage("maxWait");
		assertThatNullPointerException().isThrownBy(() -> bucket.acquire(1, null)).withMessage("maxWait");
	}

	@Test
	void invalidNumbersAreRejectedByName() {
		TokenBucket bucket = bucket(Limit.of(1), 1);
		assertThatIllegalArgumentException().isThrownBy(() -> bucket.tryAcquire(0)).withMessageContaining("permits");
		assertThatIllegalArgumentException().isThrownBy(() -> bucket.reserveNow(-1)).withMessageContaining("permits");
		assertThatIllegalArgumentException().isThrownBy(() -> bucket.reserve(0)).withMessageContaining("permits");
		assertThatIllegalArgumentException().isThrownBy(() -> bucket.acquire(0)).withMessageContaining("permits");
		assertThatIllegalArgumentException().isThrownBy(() -> bucket.reserveNow(1, Duration.ofSeconds(-1)))
				.withMessageContaining("maxWait");
		assertThatIllegalArgumentException().isThrownBy(() -> bucket.reserve(1, Duration.ofSeconds(-1)))
				.withMessageContaining("maxWait");
		assertThatIllegalArgumentException().isThrownBy(() -> bucket.acquire(1, Duration.ofSeconds(-1)))
				.withMessageContaining("maxWait");
	}

	// The book's time tables. A row is (second, tokens in the bucket, whether a request was
	// granted). The bucket column shows whole tokens, with the fraction where the book gives one.

	record Row(int second, double bucket, boolean tok) {
	}

	static Row row(int second, double bucket, boolean tok) {
		return new Row(second, bucket, tok);
	}

	private void assertTable(TokenBucket bucket, Row... rows) {
		for (Row row : rows) {
			advanceTo(Duration.ofSeconds(row.second()));
			if (row.tok()) {
				assertThat(bucket.tryAcquire()).as("request at %ss", row.second()).isTrue();
			}
			else if (row.bucket() < 1) {
				assertThat(bucket.tryAcquire()).as("request at %ss", row.second()).isFalse();
			}
			double tokens = bucket.tokens();
			if (row.bucket() == Math.floor(row.bucket())) {
				assertThat(Math.floor(tokens)).as("bucket at %ss", row.second()).isEqualTo(row.bucket());
			}
			else {
				assertThat(tokens).as("bucket at %ss", row.second()).isEqualTo(row.bucket());
			}
		}
	}

	/** Depth 5: five requests at once, then none, at any rate under one token a second. */
	@ParameterizedTest
	@ValueSource(doubles = { 0, 0.01, 0.5, 0.99 })
	void bookTableDepthFive(double perSecond) {
		assertTable(bucket(Limit.of(perSecond), 5),
				row(0, 4, true), row(0, 3, true), row(0, 2, true), row(0, 1, true), row(0, 0, true),
				row(0, 0, false), row(1, 0, false));
	}

	/**
	 * Depth 1 "at 1 token/second": the book's bucket column (empty at 1 s, full at 2 s) is that of
	 * a token every two seconds; at the stated 1/s the token is back at 1 s. The rows are
	 * reproduced exactly at 0.5/s, and the requests they show (at 0, 2 and 4 s) are granted at 1/s.
	 */
	@Test
	void bookTableDepthOne() {
		assertTable(bucket(Limit.of(0.5), 1),
				row(0, 1, false), row(0, 0, true), row(1, 0.5, false), row(2, 1, false),
				row(2, 0, true), row(3, 0.5, false), row(4, 1, false), row(4, 0, true));
	}

	@Test
	void bookTableDepthOneRequestsAtOnePerSecond() {
		TokenBucket bucket = bucket(Limit.of(1), 1);
		for (int second : new int[] { 0, 2, 4 }) {
			advanceTo(Duration.ofSeconds(second));
			assertThat(bucket.tryAcquire()).as("request at %ss", second).isTrue();
			assertThat(bucket.tokens()).isZero();
		}
		advanceTo(Duration.ofSeconds(5));
		assertThat(bucket.tokens()).isEqualTo(1);
	}

	@Test
	void bookTableDepthFiveAtHalfPerSecond() {
		assertTable(bucket(Limit.of(0.5), 5),
				row(0, 5, false), row(0, 4, true), row(0, 3, true), row(0, 2, true), row(0, 1, true),
				row(0, 0, true), row(1, 0.5, false), row(2, 1, false), row(2, 0, true),
				row(3, 0.5, false), row(4, 1, false), row(4, 0, true));
	}

	/**
	 * A burst of two, then of five four seconds later. The book gives no rate; its bucket column
	 * (3 at 1 s, 4 at 2 s, 5 at 3 s) holds in whole tokens for any rate from 2/3 up to but not
	 * including 1 per second: 0.75/s here.
	 */
	@Test
	void bookTableTwoBursts() {
		assertTable(bucket(Limit.of(0.75), 5),
				row(0, 5, false), row(0, 4, true), row(0, 3, true), row(1, 3, false), row(2, 4, false),
				row(3, 5, false), row(4, 5, false), row(5, 4, true), row(5, 3, true), row(5, 2, true),
				row(5, 1, true), row(5, 0, true));
	}

	/** x/time/rate's TestLongRunningQPS: 5 s of a request every 2 ms at 100/s, burst 100. */
	@Test
	void longRunningRateIsAccurate() {
		TokenBucket bucket = bucket(Limit.of(100), 100);
		int admitted = 0;
		for (long ms = 0; ms < 5000; ms += 2) {
			advanceTo(Duration.ofMillis(ms));
			if (bucket.tryAcquire()) {
				admitted++;
			}
		}
		double ideal = 100 + 100 * 5.0;
		assertThat(admitted).isLessThanOrEqualTo((int) (ideal + 1)).isGreaterThanOrEqualTo((int) (0.999 * ideal));
	}

	/**
	 * x/time/rate's TestSimultaneousRequests: 15 callers at once, limit 1, burst 5: exactly 5
	 * allowed. On virtual time that does not move: on a busy machine the 15 threads can take over a
	 * second to run, and a real clock would then refill a sixth token.
	 */
	@Test
	void simultaneousRequestsGetExactlyTheBurst() throws InterruptedException {
		TokenBucket bucket = bucket(Limit.of(1), 5);
		CountDownLatch start = new CountDownLatch(1);
		CountDownLatch finished = new CountDownLatch(15);
		AtomicInteger allowed = new AtomicInteger();
		for (int i = 0; i < 15; i++) {
			Thread thread = new Thread(() -> {
				try {
					start.await();
					if (bucket.tryAcquire()) {
						allowed.incrementAndGet();
					}
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
				finally {
					finished.countDown();
				}
			});
			thread.start();
		}
		start.countDown();
		assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(allowed).hasValue(5);
	}

	/**
	 * Random arrivals, sizes, reservations and cancellations against a manual clock: in no window
	 * [a, b] do the events that happened (granted at once, or reservations that reached their time
	 * to act) use more than burst + rate * (b - a) tokens.
	 */
	@Test
	void noWindowEverOverAdmits() {
		for (int seed = 0; seed < 300; seed++) {
			Random random = new Random(seed);
			double rate = 1 + random.nextInt(1000);
			int burst = 1 + random.nextInt(20);
			AtomicLong now = new AtomicLong(random.nextLong());
			TokenBucket bucket = TokenBucket.of(TokenBucketConfig.builder(Limit.of(rate), burst).clock(now::get).build());
			long interval = (long) (1e9 / rate);
			List<long[]> events = new ArrayList<>();
			List<Object[]> waiting = new ArrayList<>();
			for (int step = 0; step < 300; step++) {
				now.addAndGet((long) (random.nextDouble() * random.nextInt(3) * interval));
				int permits = 1 + random.nextInt(burst + 1);
				switch (random.nextInt(3)) {
				case 0 -> {
					if (bucket.tryAcquire(permits)) {
						events.add(new long[] { now.get(), permits });
					}
				}
				case 1 -> {
					Reservation r = bucket.reserveNow(permits, Duration.ofNanos(random.nextInt(5) * interval));
					if (r.ok()) {
						long[] event = { now.get() + r.delayNanos(), permits };
						events.add(event);
						waiting.add(new Object[] { r, event });
					}
				}
				default -> {
					if (!waiting.isEmpty()) {
						Object[] w = waiting.remove(random.nextInt(waiting.size()));
						long[] event = (long[]) w[1];
						if (event[0] >= now.get()) {
							events.remove(event);
						}
						((Reservation) w[0]).cancel();
					}
				}
				}
			}
			events.sort((x, y) -> Long.compare(x[0], y[0]));
			for (int i = 0; i < events.size(); i++) {
				long used = 0;
				for (int j = i; j < events.size(); j++) {
					used += events.get(j)[1];
					double allowed = burst + rate * (events.get(j)[0] - events.get(i)[0]) / 1e9;
					assertThat((double) used).as("seed %d, window %d..%d", seed, i, j).isLessThanOrEqualTo(allowed + 1e-6);
				}
			}
		}
	}

	@Test
	void moreThanTheBurstIsNeverGranted() {
		TokenBucket bucket = bucket(Limit.of(1), 2);
		assertThat(bucket.tryAcquire(3)).isFalse();
		Reservation r = bucket.reserveNow(3);
		assertThat(r.ok()).isFalse();
		assertThat(r.delayNanos()).isEqualTo(Long.MAX_VALUE);
		assertThat(bucket.tokens()).isEqualTo(2);
		StepVerifier.create(bucket.acquire(3))
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BurstExceededException.class)
						.hasMessageContaining("'test'").hasMessageContaining("3 permits").hasMessageContaining("burst is 2"))
				.verify(Duration.ofSeconds(5));
		assertThat(bucket.tokens()).isEqualTo(2);
	}

	@Test
	void unlimitedGrantsEverythingAtOnce() {
		TokenBucket bucket = bucket(Limit.INF, 1);
		assertThat(bucket.tryAcquire(1000)).isTrue();
		Reservation r = bucket.reserveNow(1000);
		assertThat(r.ok()).isTrue();
		assertThat(r.delayNanos()).isZero();
		r.cancel();
		assertThat(bucket.tokens()).isInfinite();
		StepVerifier.create(bucket.acquire(1000)).expectComplete()
				.verify(Duration.ofSeconds(5));
	}

	@Test
	void zeroRateGrantsOnlyTheBurstAndGetsCancelledTokensBack() {
		TokenBucket bucket = bucket(Limit.ZERO, 2);
		assertThat(bucket.tryAcquire()).isTrue();
		Reservation r = bucket.reserveNow(1);
		assertThat(r.ok()).isTrue();
		assertThat(bucket.tryAcquire()).isFalse();
		advanceTo(Duration.ofDays(365));
		assertThat(bucket.tryAcquire()).isFalse();
		assertThat(bucket.reserveNow(1).ok()).isFalse();
		StepVerifier.create(bucket.acquire())
				.expectError(PermitsDeniedException.class)
				.verify(Duration.ofSeconds(5));
		r.cancel();
		assertThat(bucket.tokens()).isEqualTo(1);
		assertThat(bucket.tryAcquire()).isTrue();
	}

	@Test
	void tooSlowALimitForTheBurstIsRejected() {
		assertThatIllegalArgumentException()
				.isThrownBy(() -> TokenBucketConfig.builder(Limit.per(1, Duration.ofDays(365)), 10).build())
				.withMessageContaining("burst 10");
	}

	// Reservations, with x/time/rate's cancellation cases: 10 tokens a second, so t(k) = k * 100 ms.

	private Reservation reserveAt(TokenBucket bucket, int tenths, int permits, int actTenths) {
		advanceTo(Duration.ofMillis(100L * tenths));
		Reservation r = bucket.reserveNow(permits);
		assertThat(r.ok()).isTrue();
		assertThat(r.permits()).isEqualTo(permits);
		assertThat(r.delay()).as("delay of %d at t%d", permits, tenths).isEqualTo(Duration.ofMillis(100L * (actTenths - tenths)));
		return r;
	}

	@Test
	void reservationWaitsForTokensTakenAheadOfTime() {
		TokenBucket bucket = bucket(Limit.of(10), 2);
		reserveAt(bucket, 0, 2, 0);
		Reservation r = reserveAt(bucket, 0, 2, 2);
		advanceTo(Duration.ofMillis(100));
		assertThat(r.delay()).isEqualTo(Duration.ofMillis(100));
		assertThat(bucket.tokens()).isEqualTo(-1);
		advanceTo(Duration.ofMillis(300));
		assertThat(r.delayNanos()).isZero();
	}

	@Test
	void reservationPastItsMaxWaitTakesNothing() {
		TokenBucket bucket = bucket(Limit.of(10), 2);
		reserveAt(bucket, 0, 2, 0);
		Reservation r = bucket.reserveNow(2, Duration.ofMillis(199));
		assertThat(r.ok()).isFalse();
		assertThat(r.delay()).isEqualTo(Duration.ofMillis(200));
		r.cancel();
		reserveAt(bucket, 0, 2, 2);
	}

	@Test
	void cancelLastGivesAllTokensBack() {
		TokenBucket bucket = bucket(Limit.of(10), 2);
		reserveAt(bucket, 0, 2, 0);
		Reservation r = reserveAt(bucket, 0, 2, 2);
		advanceTo(Duration.ofMillis(100));
		r.cancel();
		reserveAt(bucket, 1, 2, 2);
	}

	@Test
	void cancelTooLateGivesNothingBack() {
		TokenBucket bucket = bucket(Limit.of(10), 2);
		reserveAt(bucket, 0, 2, 0);
		Reservation r = reserveAt(bucket, 0, 2, 2);
		advanceTo(Duration.ofMillis(300));
		r.cancel();
		reserveAt(bucket, 3, 2, 4);
	}

	@Test
	void cancelGivesNothingBackThatLaterReservationsCountOn() {
		TokenBucket bucket = bucket(Limit.of(10), 2);
		reserveAt(bucket, 0, 2, 0);
		Reservation r = reserveAt(bucket, 0, 1, 1);
		reserveAt(bucket, 0, 1, 2);
		r.cancel();
		reserveAt(bucket, 0, 1, 3);
	}

	@Test
	void cancelGivesBackWhatLaterReservationsDoNotCountOn() {
		TokenBucket bucket = bucket(Limit.of(10), 2);
		reserveAt(bucket, 0, 2, 0);
		Reservation r = reserveAt(bucket, 0, 2, 2);
		reserveAt(bucket, 0, 1, 3);
		advanceTo(Duration.ofMillis(200));
		r.cancel();
		reserveAt(bucket, 2, 2, 4);
	}

	@Test
	void cancelSeveralGivesBackAsIfTheyWereNeverMade() {
		TokenBucket bucket = bucket(Limit.of(10), 4);
		reserveAt(bucket, 0, 4, 0);
		Reservation a = reserveAt(bucket, 0, 3, 3);
		reserveAt(bucket, 0, 1, 4);
		Reservation c = reserveAt(bucket, 0, 1, 5);
		advanceTo(Duration.ofMillis(100));
		c.cancel();
		a.cancel();
		reserveAt(bucket, 1, 3, 5);
	}

	@Test
	void cancellingTwiceGivesBackOnce() {
		TokenBucket bucket = bucket(Limit.of(10), 2);
		reserveAt(bucket, 0, 2, 0);
		Reservation r = reserveAt(bucket, 0, 2, 2);
		r.cancel();
		r.cancel();
		assertThat(bucket.tokens()).isZero();
	}

	// acquire: WaitN as a Mono on virtual time.

	private static TokenBucket virtualBucket(Limit limit, int burst) {
		return TokenBucket.of(TokenBucketConfig.builder(limit, burst).name("test").timeFrom(Schedulers.parallel()).build());
	}

	@Test
	void acquireCompletesAtOnceWhenTokensAreThere() {
		StepVerifier.withVirtualTime(() -> virtualBucket(Limit.of(1), 2).acquire(2))
				.expectSubscription()
				.expectComplete()
				.verify(Duration.ofSeconds(5));
	}

	@Test
	void acquireWaitsOnATimerForTheNextToken() {
		StepVerifier.withVirtualTime(() -> {
					TokenBucket bucket = virtualBucket(Limit.of(2), 1);
					return bucket.acquire().then(bucket.acquire()).then(bucket.acquire());
				})
				.expectSubscription()
				.expectNoEvent(Duration.ofMillis(999))
				.thenAwait(Duration.ofMillis(1))
				.expectComplete()
				.verify(Duration.ofSeconds(5));
	}

	@Test
	void acquireFailsAtOnceWhenTheWaitWouldPassTheContextDeadline() {
		AtomicLong tokens = new AtomicLong();
		StepVerifier.withVirtualTime(() -> {
					TokenBucket bucket = virtualBucket(Limit.of(1), 1);
					bucket.tryAcquire();
					return bucket.acquire()
							.doOnError(e -> tokens.set((long) bucket.tokens()))
							.contextWrite(Deadline.after(Duration.ofMillis(999), Schedulers.parallel()));
				})
				.expectSubscription()
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WaitPastDeadlineException.class)
						.hasMessageContaining("'test'").hasMessageContaining("PT1S").hasMessageContaining("PT0.999S")
						.satisfies(x -> assertThat(((WaitPastDeadlineException) x).retryable()).isTrue()))
				.verify(Duration.ofSeconds(5));
		assertThat(tokens).hasValue(0);
	}

	@Test
	void acquireWaitsWhenTheDeadlineLeavesTime() {
		StepVerifier.withVirtualTime(() -> {
					TokenBucket bucket = virtualBucket(Limit.of(1), 1);
					bucket.tryAcquire();
					return bucket.acquire().contextWrite(Deadline.after(Duration.ofSeconds(1), Schedulers.parallel()));
				})
				.expectSubscription()
				.expectNoEvent(Duration.ofMillis(999))
				.thenAwait(Duration.ofMillis(1))
				.expectComplete()
				.verify(Duration.ofSeconds(5));
	}

	/** Issue 13: the refusal said "left before the deadline" when there was no deadline. */
	@Test
	void acquireFailsAtOnceWhenTheWaitWouldPassAnExplicitMaximum() {
		StepVerifier.withVirtualTime(() -> {
					TokenBucket bucket = virtualBucket(Limit.of(1), 1);
					bucket.tryAcquire();
					return bucket.acquire(1, Duration.ofMillis(500));
				})
				.expectSubscription()
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WaitPastDeadlineException.class)
						.hasMessage("rate limiter 'test' would make 1 permit(s) wait PT1S, longer than the maxWait of PT0.5S")
						.satisfies(x -> assertThat(((WaitPastDeadlineException) x).bound())
								.isEqualTo(WaitPastDeadlineException.Bound.MAX_WAIT)))
				.verify(Duration.ofSeconds(5));
	}

	@Test
	void theEarlierOfMaxWaitAndTheDeadlineBoundsTheWaitAndTheErrorSaysWhich() {
		StepVerifier.withVirtualTime(() -> {
					TokenBucket bucket = virtualBucket(Limit.of(1), 1);
					bucket.tryAcquire();
					return bucket.acquire(1, Duration.ofMillis(800))
							.contextWrite(Deadline.after(Duration.ofMillis(600), Schedulers.parallel()));
				})
				.expectSubscription()
				.expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("PT0.6S left before the deadline"))
				.verify(Duration.ofSeconds(5));
	}

	/** Issue 13: Go's WaitN fails on a context that is done even when a token is free; this succeeded. */
	@Test
	void acquireAfterTheDeadlineHasPassedFailsAndTakesNothing() {
		TokenBucket bucket = bucket(Limit.of(1), 1);
		advanceTo(Duration.ofSeconds(1));
		StepVerifier.create(bucket.acquire().contextWrite(Deadline.at(Instant0.plusMillis(500))))
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WaitPastDeadlineException.class)
						.hasMessage("rate limiter 'test' was asked for 1 permit(s) at 1970-01-01T00:00:01Z, when the deadline"
								+ " 1970-01-01T00:00:00.500Z had passed"))
				.verify(Duration.ofSeconds(5));
		// At the deadline itself the context is done too, as Go's is.
		StepVerifier.create(bucket.acquire().contextWrite(Deadline.at(Instant0.plusSeconds(1))))
				.expectError(WaitPastDeadlineException.class)
				.verify(Duration.ofSeconds(5));
		assertThat(bucket.tokens()).isEqualTo(1);
	}

	/** Issue 13: the tokens free at once were taken before onSubscribe, and kept when it cancelled. */
	@Test
	void acquireCancelledInOnSubscribeTakesNothing() {
		TokenBucket bucket = bucket(Limit.of(1), 1);
		AtomicInteger signals = new AtomicInteger();
		bucket.acquire().subscribe(new BaseSubscriber<Void>() {
			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				cancel();
			}

			@Override
			protected void hookFinally(SignalType type) {
				signals.incrementAndGet();
			}
		});
		assertThat(bucket.tokens()).isEqualTo(1);
		assertThat(signals).as("only the cancel").hasValue(1);
	}

	/** The async reserve decides on request: nothing at assembly, nothing for a subscriber gone in onSubscribe. */
	@Test
	void reserveTakesTokensOnlyWhenRequested() {
		TokenBucket bucket = bucket(Limit.of(1), 2);
		Mono<Reservation> reserve = bucket.reserve(1, Duration.ZERO);
		assertThat(bucket.tokens()).isEqualTo(2);
		reserve.flatMap(r -> Mono.just(r.ok())).subscribe(new BaseSubscriber<Boolean>() {
			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				cancel();
			}
		});
		assertThat(bucket.tokens()).isEqualTo(2);
		StepVerifier.create(reserve.map(Reservation::ok)).expectNext(true).verifyComplete();
		StepVerifier.create(bucket.reserve(2, Duration.ofSeconds(1)).map(Reservation::delay))
				.expectNext(Duration.ofSeconds(1))
				.verifyComplete();
		assertThat(bucket.tokens()).isEqualTo(-1);
	}

	@Test
	void acquireCancelledBeforeItsTimeGivesItsTokensBack() {
		AtomicLong cancelledAt = new AtomicLong(-1);
		TokenBucket[] bucket = new TokenBucket[1];
		StepVerifier.withVirtualTime(() -> {
					bucket[0] = virtualBucket(Limit.of(1), 1);
					bucket[0].tryAcquire();
					return bucket[0].acquire().doOnCancel(() -> cancelledAt.set(Schedulers.parallel().now(TimeUnit.MILLISECONDS)));
				})
				.expectSubscription()
				.thenAwait(Duration.ofMillis(500))
				.thenCancel()
				.verify(Duration.ofSeconds(5));
		assertThat(cancelledAt).hasValue(500);
		// As if the cancelled acquire had never been: half a token has come back in 500 ms.
		assertThat(bucket[0].tokens()).isEqualTo(0.5);
	}

	@Test
	void acquireIsColdAndReservesOnEachSubscription() {
		StepVerifier.withVirtualTime(() -> {
					TokenBucket bucket = virtualBucket(Limit.of(1), 1);
					Mono<Void> acquire = bucket.acquire();
					return acquire.then(acquire).then(acquire);
				})
				.expectSubscription()
				.expectNoEvent(Duration.ofMillis(1999))
				.thenAwait(Duration.ofMillis(1))
				.expectComplete()
				.verify(Duration.ofSeconds(5));
	}

	/** A reservation made for a subscriber that cancelled while it was being made is undone, not lost. */
	@Test
	void reserveUndoesAReservationItsSubscriberCancelledMeanwhile() {
		TokenBucket bucket = bucket(Limit.of(1), 1);
		AtomicReference<Subscription> subscription = new AtomicReference<>();
		List<Object> discarded = new ArrayList<>();
		LocalRateLimiter cancelledWhileReserving = new LocalRateLimiter() {
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
			public reactor.core.scheduler.Scheduler scheduler() {
				return bucket.scheduler();
			}

			@Override
			public boolean tryAcquire(int permits) {
				return bucket.tryAcquire(permits);
			}

			@Override
			public Reservation reserveNow(int permits, Duration maxWait) {
				Reservation r = bucket.reserveNow(permits, maxWait);
				subscription.get().cancel();
				return r;
			}
		};
		cancelledWhileReserving.reserve(1, Duration.ZERO)
				.doOnDiscard(Reservation.class, discarded::add)
				.subscribe(new BaseSubscriber<Reservation>() {
					@Override
					protected void hookOnSubscribe(Subscription s) {
						subscription.set(s);
						s.request(1);
					}
				});
		assertThat(discarded).hasSize(1);
		assertThat(bucket.tokens()).isEqualTo(1);
	}

	@Test
	void fractionalIntervalsStayAccurate() {
		TokenBucket bucket = bucket(Limit.per(3, Duration.ofSeconds(1)), 1);
		int granted = 0;
		for (int ms = 0; ms < 10_000; ms++) {
			advanceTo(Duration.ofMillis(ms));
			if (bucket.tryAcquire()) {
				granted++;
			}
		}
		assertThat(granted).isEqualTo(30);
	}

	/** Decisions reach the metrics port. */
	@Test
	void metricsSeeGrantsDenialsWaitsAndReturns() {
		List<String> seen = new ArrayList<>();
		RateLimiterMetrics metrics = new RateLimiterMetrics() {
			@Override
			public void granted(int permits) {
				seen.add("granted " + permits);
			}

			@Override
			public void denied(int permits) {
				seen.add("denied " + permits);
			}

			@Override
			public void waited(long nanos) {
				seen.add("waited " + nanos);
			}

			@Override
			public void returned(double tokens) {
				seen.add("returned " + tokens);
			}
		};
		TokenBucket bucket = TokenBucket.of(TokenBucketConfig.builder(Limit.of(10), 2).timeFrom(time).metrics(metrics).build());
		bucket.tryAcquire(2);
		bucket.tryAcquire(1);
		bucket.reserveNow(1).cancel();
		assertThat(seen).containsExactly("granted 2", "denied 1", "granted 1", "waited 100000000", "returned 1.0");
	}
}
