package io.gopherflux.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Operators;
import reactor.test.util.RaceTestUtils;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The operator contract of {@link FluxRateLimit}: hooks, scanning, discarding, and its signals under a race. */
class FluxRateLimitTest {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	@AfterEach
	void cleanUp() {
		time.dispose();
		Hooks.resetOnEachOperator("test");
		Hooks.resetOnNextDropped();
	}

	private TokenBucket bucket(Limit limit, int burst) {
		return TokenBucket.of(TokenBucketConfig.builder(limit, burst).name("test").scheduler(time).build());
	}

	/** A source that signals only when the test says so, whatever was requested or cancelled. */
	static final class ManualSource implements Publisher<Integer> {

		volatile CoreSubscriber<? super Integer> subscriber;
		final AtomicInteger cancelled = new AtomicInteger();

		@Override
		public void subscribe(org.reactivestreams.Subscriber<? super Integer> s) {
			subscriber = (CoreSubscriber<? super Integer>) s;
			s.onSubscribe(new Subscription() {
				@Override
				public void request(long n) {
				}

				@Override
				public void cancel() {
					cancelled.incrementAndGet();
				}
			});
		}
	}

	/** Issue 13: the operator was made without Reactor's assembly hooks. */
	@Test
	void assemblyGoesThroughReactorsHooks() {
		List<Publisher<?>> assembled = new CopyOnWriteArrayList<>();
		Hooks.onEachOperator("test", p -> {
			assembled.add(p);
			return p;
		});
		// Applied directly, not through transform (which would apply the hook itself).
		RateLimit.<Integer>elements(bucket(Limit.of(1), 1)).apply(Flux.just(1));
		assertThat(assembled).anyMatch(p -> p instanceof FluxRateLimit);
	}

	@Test
	void thePublisherScansAsAnAsyncOperatorOnTheLimitersScheduler() {
		Flux<Integer> source = Flux.just(1);
		FluxRateLimit<Integer> operator = new FluxRateLimit<>(source, bucket(Limit.of(1), 1), 1);
		assertThat(operator.scanUnsafe(Scannable.Attr.PARENT)).isSameAs(source);
		assertThat(operator.scanUnsafe(Scannable.Attr.RUN_ON)).isSameAs(time);
		assertThat(operator.scan(Scannable.Attr.RUN_STYLE)).isSameAs(Scannable.Attr.RunStyle.ASYNC);
	}

	/** Issue 13: TERMINATED and CANCELLED were one flag, so a cancelled subscriber said it had terminated. */
	@Test
	void theSubscriberScansItsParentActualDemandAndStateApart() {
		CoreSubscriber<Integer> actual = idle();
		FluxRateLimit.RateLimitSubscriber<Integer> cancelled = new FluxRateLimit.RateLimitSubscriber<>(actual, bucket(Limit.of(1), 5), 1);
		Subscription parent = Operators.emptySubscription();
		cancelled.onSubscribe(parent);
		assertThat(cancelled.scanUnsafe(Scannable.Attr.PARENT)).isSameAs(parent);
		assertThat(cancelled.scanUnsafe(Scannable.Attr.ACTUAL)).isSameAs(actual);
		assertThat(cancelled.scanUnsafe(Scannable.Attr.RUN_ON)).isSameAs(time);
		assertThat(cancelled.scan(Scannable.Attr.RUN_STYLE)).isSameAs(Scannable.Attr.RunStyle.ASYNC);
		cancelled.request(3);
		cancelled.onNext(1);
		assertThat(cancelled.scan(Scannable.Attr.REQUESTED_FROM_DOWNSTREAM)).as("3 asked, 1 delivered").isEqualTo(2L);
		cancelled.cancel();
		assertThat(cancelled.scan(Scannable.Attr.CANCELLED)).isTrue();
		assertThat(cancelled.scan(Scannable.Attr.TERMINATED)).isFalse();

		FluxRateLimit.RateLimitSubscriber<Integer> completed = new FluxRateLimit.RateLimitSubscriber<>(idle(), bucket(Limit.of(1), 1), 1);
		completed.onSubscribe(Operators.emptySubscription());
		completed.request(Long.MAX_VALUE);
		assertThat(completed.scan(Scannable.Attr.REQUESTED_FROM_DOWNSTREAM)).isEqualTo(Long.MAX_VALUE);
		completed.onComplete();
		assertThat(completed.scan(Scannable.Attr.TERMINATED)).isTrue();
		assertThat(completed.scan(Scannable.Attr.CANCELLED)).isFalse();
	}

	/** A subscriber that requests nothing by itself. */
	private static CoreSubscriber<Integer> idle() {
		return new BaseSubscriber<>() {
			@Override
			protected void hookOnSubscribe(Subscription subscription) {
			}
		};
	}

	@Test
	void theWaitingPermitScansItsParentAndState() {
		ManualSource source = new ManualSource();
		TokenBucket bucket = bucket(Limit.of(1), 1);
		bucket.tryAcquire();
		AtomicReference<Subscription> downstream = new AtomicReference<>();
		Flux.from(source).transform(RateLimit.elements(bucket)).subscribe(new BaseSubscriber<Integer>() {
			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				downstream.set(subscription);
				subscription.request(1);
			}
		});
		FluxRateLimit.RateLimitSubscriber<?> limited = (FluxRateLimit.RateLimitSubscriber<?>) source.subscriber;
		FluxRateLimit.PermitSubscriber permit = (FluxRateLimit.PermitSubscriber) limited.pending;
		assertThat(permit.scanUnsafe(Scannable.Attr.ACTUAL)).isSameAs(limited);
		assertThat(permit.scanUnsafe(Scannable.Attr.PARENT)).isInstanceOf(MonoAcquire.AcquireSubscriber.class);
		assertThat(permit.scan(Scannable.Attr.TERMINATED)).isFalse();
		assertThat(permit.scan(Scannable.Attr.CANCELLED)).isFalse();
		downstream.get().cancel();
		assertThat(permit.scan(Scannable.Attr.CANCELLED)).isTrue();
		assertThat(bucket.tokens()).as("the waiting permit was given back").isZero();
	}

	/** Issue 13: an element arriving after a cancel went to onNextDropped, not to the discard hook. */
	@Test
	void anElementArrivingAfterCancelIsDiscarded() {
		ManualSource source = new ManualSource();
		List<Object> discarded = new CopyOnWriteArrayList<>();
		Flux.from(source)
				.transform(RateLimit.elements(bucket(Limit.INF, 1)))
				.doOnDiscard(Integer.class, discarded::add)
				.subscribe()
				.dispose();
		source.subscriber.onNext(7);
		assertThat(discarded).containsExactly(7);
		assertThat(source.cancelled).hasValue(1);
	}

	@Test
	void anElementArrivingAfterTheEndIsDropped() {
		ManualSource source = new ManualSource();
		List<Object> dropped = new CopyOnWriteArrayList<>();
		Hooks.onNextDropped(dropped::add);
		Flux.from(source).transform(RateLimit.elements(bucket(Limit.INF, 1))).subscribe();
		source.subscriber.onComplete();
		source.subscriber.onNext(8);
		assertThat(dropped).containsExactly(8);
	}

	/**
	 * Issue 13: a {@code request(n <= 0)} failed the Flux from the requesting thread, outside any
	 * serialization, while the source could be in {@code onNext} on another: downstream saw
	 * overlapping calls, or an element after the error. Each round races one element against the
	 * bad request; downstream must see them one at a time, in a legal order, with one terminal.
	 */
	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void aBadRequestRacingAnElementIsSignalledThroughTheSerializer() {
		TokenBucket unlimited = bucket(Limit.INF, 1);
		for (int round = 0; round < 10_000; round++) {
			ManualSource source = new ManualSource();
			Recorder downstream = new Recorder();
			Flux.from(source).transform(RateLimit.elements(unlimited)).subscribe(downstream);
			int element = round;

			RaceTestUtils.race(() -> source.subscriber.onNext(element), () -> downstream.subscription.request(0));

			assertThat(downstream.overlaps).as("overlapping signals in round %d", round).hasValue(0);
			List<String> signals = List.copyOf(downstream.signals);
			assertThat(signals).as("round %d", round).isIn(List.of("next " + element, "error"), List.of("error"));
			assertThat(downstream.error.get()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
			assertThat(source.cancelled).hasValue(1);
		}
	}

	/** Records signals, and counts any that overlap another; each lingers a little to widen the window. */
	static final class Recorder implements CoreSubscriber<Integer> {

		volatile Subscription subscription;
		final AtomicInteger inside = new AtomicInteger();
		final AtomicInteger overlaps = new AtomicInteger();
		final Queue<String> signals = new ConcurrentLinkedQueue<>();
		final AtomicReference<Throwable> error = new AtomicReference<>();

		@Override
		public void onSubscribe(Subscription s) {
			subscription = s;
			s.request(1);
		}

		private void signal(String what) {
			if (inside.getAndIncrement() != 0) {
				overlaps.incrementAndGet();
			}
			signals.add(what);
			for (int i = 0; i < 100; i++) {
				Thread.onSpinWait();
			}
			inside.decrementAndGet();
		}

		@Override
		public void onNext(Integer t) {
			signal("next " + t);
		}

		@Override
		public void onError(Throwable t) {
			error.set(t);
			signal("error");
		}

		@Override
		public void onComplete() {
			signal("complete");
		}
	}
}
