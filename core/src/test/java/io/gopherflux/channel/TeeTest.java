package io.gopherflux.channel;

import io.gopherflux.testing.RawSubscriber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;
import reactor.test.subscriber.TestSubscriber;
import reactor.test.util.RaceTestUtils;
import reactor.util.context.Context;
import reactor.util.function.Tuples;

class TeeTest {

	@Test
	void nullArgumentsAreRejectedAtAssembly() {
		assertThatNullPointerException().isThrownBy(() -> Tee.split(null)).withMessage("source");
		assertThatNullPointerException().isThrownBy(() -> Tee.split(Flux.empty(), null)).withMessage("policy");
		assertThatNullPointerException().isThrownBy(() -> Tee.split(Flux.empty(), Tee.WhenOneCancels.KEEP_OTHER, null))
				.withMessage("scheduler");
	}

	@Test
	void bothBranchesPassThroughTheAssemblyHooks() {
		List<Publisher<?>> seen = new CopyOnWriteArrayList<>();
		Hooks.onEachOperator("teeTest", p -> {
			seen.add(p);
			return p;
		});
		try {
			Tee<Integer> tee = Tee.split(Flux.just(1));
			assertThat(seen).contains(tee.first(), tee.second());
			assertThat(seen).filteredOn(p -> p instanceof Tee.TeeBranch).hasSize(2);
		}
		finally {
			Hooks.resetOnEachOperator("teeTest");
		}
	}

	@Test
	void operatorDebugNamesTeeInAnErrorsAssemblyTrace() {
		Hooks.onOperatorDebug();
		try {
			Tee<Integer> tee = Tee.split(Flux.error(new IllegalStateException("source failed")));
			tee.second().subscribe(v -> { }, e -> { });
			StepVerifier.create(tee.first())
					.expectErrorSatisfies(e -> assertThat(assemblyTraces(e)).anyMatch(m -> m.contains("io.gopherflux.channel.Tee")))
					.verify(Duration.ofSeconds(10));
		}
		finally {
			Hooks.resetOnOperatorDebug();
		}
	}

	static List<String> assemblyTraces(Throwable e) {
		List<String> traces = new ArrayList<>();
		for (Throwable s : e.getSuppressed()) {
			traces.add(String.valueOf(s.getMessage()));
		}
		return traces;
	}

	@Test
	void aBranchIsScannable() {
		Flux<Integer> source = Flux.just(1);
		Scannable branch = Scannable.from(Tee.split(source).first());
		assertThat(branch.isScanAvailable()).isTrue();
		assertThat(branch.scan(Scannable.Attr.PARENT)).isSameAs(source);
		assertThat(branch.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);
	}

	@Test
	void aBranchSubscriptionAndTheSourceSubscriberAreScannable() {
		TestPublisher<Integer> source = TestPublisher.create();
		Tee<Integer> tee = Tee.split(source);
		AtomicReference<Subscription> firstSubscription = new AtomicReference<>();
		TestSubscriber<Integer> first = TestSubscriber.builder().initialRequest(5).build();
		TestSubscriber<Integer> second = TestSubscriber.builder().initialRequest(2).build();
		tee.first().doOnSubscribe(firstSubscription::set).subscribe(first);
		tee.second().subscribe(second);
		source.next(1);

		Scannable firstBranch = Scannable.from(firstSubscription.get());
		assertThat(firstBranch.isScanAvailable()).isTrue();
		assertThat(firstBranch.scan(Scannable.Attr.ACTUAL)).isNotNull();
		assertThat(firstBranch.scan(Scannable.Attr.REQUESTED_FROM_DOWNSTREAM)).isEqualTo(4L);
		assertThat(firstBranch.scan(Scannable.Attr.CANCELLED)).isFalse();
		assertThat(firstBranch.scan(Scannable.Attr.TERMINATED)).isFalse();
		assertThat(firstBranch.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);

		Scannable main = firstBranch.scan(Scannable.Attr.PARENT);
		assertThat(main).isNotNull();
		assertThat(main.scan(Scannable.Attr.PARENT)).isNotNull();
		// Asked of the source: the slower branch's 2, of which 1 has arrived.
		assertThat(main.scan(Scannable.Attr.REQUESTED_FROM_DOWNSTREAM)).isEqualTo(1L);
		assertThat(main.scan(Scannable.Attr.CANCELLED)).isFalse();
		assertThat(main.scan(Scannable.Attr.TERMINATED)).isFalse();
		assertThat(main.scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);
		List<Scannable> branches = new ArrayList<>();
		main.inners().forEach(branches::add);
		assertThat(branches).hasSize(2).contains(firstBranch);

		first.cancel();
		assertThat(firstBranch.scan(Scannable.Attr.CANCELLED)).isTrue();
		assertThat(firstBranch.scan(Scannable.Attr.REQUESTED_FROM_DOWNSTREAM)).isZero();
		assertThat(main.scan(Scannable.Attr.CANCELLED)).isFalse();
		second.cancel();
		assertThat(main.scan(Scannable.Attr.CANCELLED)).isTrue();
	}

	@Test
	void aTerminatedBranchAndSourceSubscriberScanAsTerminated() {
		AtomicReference<Subscription> secondSubscription = new AtomicReference<>();
		Tee<Integer> tee = Tee.split(Flux.just(1, 2));
		tee.first().subscribe(TestSubscriber.create());
		tee.second().doOnSubscribe(secondSubscription::set).subscribe(TestSubscriber.create());
		Scannable branch = Scannable.from(secondSubscription.get());
		assertThat(branch.scan(Scannable.Attr.TERMINATED)).isTrue();
		assertThat(branch.scan(Scannable.Attr.CANCELLED)).isFalse();
		assertThat(branch.scan(Scannable.Attr.REQUESTED_FROM_DOWNSTREAM)).isZero();
		Scannable main = branch.scan(Scannable.Attr.PARENT);
		assertThat(main.scan(Scannable.Attr.TERMINATED)).isTrue();
		assertThat(main.scan(Scannable.Attr.CANCELLED)).isFalse();
	}

	@Test
	void theSourceSeesBothBranchesContextsAndTheFirstWinsAKeyClash() {
		AtomicReference<String> seen = new AtomicReference<>();
		Flux<Integer> source = Flux.deferContextual(ctx -> {
			seen.set(ctx.get("a") + "," + ctx.get("b") + "," + ctx.get("both"));
			return Flux.just(1);
		});
		Tee<Integer> tee = Tee.split(source);
		tee.first().contextWrite(Context.of("a", "first", "both", "first")).subscribe(TestSubscriber.create());
		tee.second().contextWrite(Context.of("b", "second", "both", "second")).subscribe(TestSubscriber.create());
		assertThat(seen).hasValue("first,second,first");
	}

	@Test
	void aCancelWithTheOtherBranchHoldingUnboundedDemandOnAnEndlessSynchronousSourceReturns() throws Exception {
		Scheduler handOff = Schedulers.newSingle("tee-hand-off");
		CountingSubscriber survivor = new CountingSubscriber();
		try {
			Tee<Integer> tee = Tee.split(Generators.repeat(1, 2), Tee.WhenOneCancels.KEEP_OTHER, handOff);
			TestSubscriber<Integer> canceller = TestSubscriber.builder().initialRequest(1).build();
			tee.first().subscribe(canceller);
			tee.second().subscribe(survivor);
			assertThat(survivor.count.get()).isEqualTo(1L);

			// Before the fix the canceller's thread went on emitting the survivor's values forever.
			CompletableFuture<Void> cancelled = CompletableFuture.runAsync(canceller::cancel);
			cancelled.get(30, TimeUnit.SECONDS);

			// The survivor's demand is served, on the hand-off scheduler's thread.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (survivor.count.get() < 10_000 && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertThat(survivor.count.get()).isGreaterThanOrEqualTo(10_000L);
			assertThat(survivor.lastThread.get()).startsWith("tee-hand-off");
		}
		finally {
			survivor.dispose();
			handOff.dispose();
		}
	}

	@Test
	void byDefaultTheSurvivorsDemandIsHandedToBoundedElastic() throws Exception {
		CountingSubscriber survivor = new CountingSubscriber();
		try {
			Tee<Integer> tee = Tee.split(Generators.repeat(1));
			TestSubscriber<Integer> canceller = TestSubscriber.builder().initialRequest(3).build();
			tee.first().subscribe(canceller);
			tee.second().subscribe(survivor);
			CompletableFuture.runAsync(canceller::cancel).get(30, TimeUnit.SECONDS);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (survivor.count.get() < 1_000 && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertThat(survivor.count.get()).isGreaterThanOrEqualTo(1_000L);
			assertThat(survivor.lastThread.get()).startsWith("boundedElastic");
		}
		finally {
			survivor.dispose();
		}
	}

	@Test
	void aCancelInsideTheDrainLeavesTheSurvivorsDemandToTheDrainingThread() {
		// Cancelling from inside onNext: the thread that requested goes on requesting, as before.
		TestSubscriber<Integer> survivor = TestSubscriber.builder().initialRequest(10).build();
		Tee<Integer> tee = Tee.split(Generators.repeat(1));
		tee.first().take(2, false).subscribe(TestSubscriber.create());
		tee.second().subscribe(survivor);
		assertThat(survivor.getReceivedOnNext()).hasSize(10);
	}

	/** A scheduler that only queues its tasks, so that a test runs the hand-off when it chooses. */
	static final class HandOffTasks {

		final List<Runnable> tasks = new CopyOnWriteArrayList<>();
		final Scheduler scheduler = Schedulers.fromExecutor(tasks::add);

		void runAll() {
			assertThat(tasks).isNotEmpty();
			for (Runnable task : tasks) {
				tasks.remove(task);
				task.run();
			}
		}
	}

	/** Counts values without keeping them, and records the thread of the last one. */
	static final class CountingSubscriber extends BaseSubscriber<Integer> {

		final AtomicLong count = new AtomicLong();
		final AtomicReference<String> lastThread = new AtomicReference<>();

		@Override
		protected void hookOnNext(Integer value) {
			count.incrementAndGet();
			lastThread.lazySet(Thread.currentThread().getName());
		}
	}

	@Test
	void aValueThatNoBranchTakesIsDiscarded() {
		for (Tee.WhenOneCancels policy : Tee.WhenOneCancels.values()) {
			List<Object> discarded = new CopyOnWriteArrayList<>();
			TestPublisher<Integer> source = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
			Tee<Integer> tee = Tee.split(source, policy);
			TestSubscriber<Integer> first = TestSubscriber.builder()
					.contextPutAll(Operators.enableOnDiscard(Context.empty(), discarded::add)).build();
			TestSubscriber<Integer> second = TestSubscriber.create();
			tee.first().subscribe(first);
			tee.second().subscribe(second);
			source.next(1);
			first.cancel();
			second.cancel();
			// The source has been cancelled but has not stopped yet.
			source.next(2);
			assertThat(first.getReceivedOnNext()).containsExactly(1);
			assertThat(second.getReceivedOnNext()).containsExactly(1);
			assertThat(discarded).as(policy.name()).containsExactly(2);
		}
	}

	@Test
	void bothBranchesGetTheBooksValuesPairwise() {
		Tee<Integer> tee = Tee.split(Generators.repeat(1, 2).take(4));
		StepVerifier.create(Flux.zip(tee.first(), tee.second()))
				.expectNext(Tuples.of(1, 1), Tuples.of(2, 2), Tuples.of(1, 1), Tuples.of(2, 2))
				.verifyComplete();
	}

	@Test
	void theSourceIsSubscribedOnceWhenBothBranchesHave() {
		PublisherProbe<Integer> source = PublisherProbe.of(Flux.just(1, 2));
		Tee<Integer> tee = Tee.split(source.flux());
		TestSubscriber<Integer> first = TestSubscriber.create();
		TestSubscriber<Integer> second = TestSubscriber.create();

		tee.first().subscribe(first);
		source.assertWasNotSubscribed();
		tee.second().subscribe(second);
		assertThat(source.subscribeCount()).isEqualTo(1);
		assertThat(first.getReceivedOnNext()).containsExactly(1, 2);
		assertThat(second.getReceivedOnNext()).containsExactly(1, 2);
		assertThat(first.isTerminatedComplete()).isTrue();
		assertThat(second.isTerminatedComplete()).isTrue();
	}

	@Test
	void aSecondSubscriberToABranchIsRefused() {
		Tee<Integer> tee = Tee.split(Flux.just(1));
		tee.first().subscribe(TestSubscriber.create());
		StepVerifier.create(tee.first())
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
						.hasMessageContaining("first branch allows only one subscriber"))
				.verify();
	}

	@Test
	void upstreamIsAskedOnlyForTheMinimumOfTheBranchesDemand() {
		List<Long> requests = new CopyOnWriteArrayList<>();
		Tee<Integer> tee = Tee.split(Flux.range(1, 100).doOnRequest(requests::add));
		TestSubscriber<Integer> fast = TestSubscriber.builder().initialRequest(0).build();
		TestSubscriber<Integer> slow = TestSubscriber.builder().initialRequest(0).build();
		tee.first().subscribe(fast);
		tee.second().subscribe(slow);

		fast.request(3);
		assertThat(requests).isEmpty();
		assertThat(fast.getReceivedOnNext()).isEmpty();

		slow.request(1);
		assertThat(requests).containsExactly(1L);
		assertThat(fast.getReceivedOnNext()).containsExactly(1);
		assertThat(slow.getReceivedOnNext()).containsExactly(1);

		slow.request(5);
		assertThat(requests).containsExactly(1L, 2L);
		assertThat(fast.getReceivedOnNext()).containsExactly(1, 2, 3);
		assertThat(slow.getReceivedOnNext()).containsExactly(1, 2, 3);

		fast.request(10);
		assertThat(requests).containsExactly(1L, 2L, 3L);
		assertThat(fast.getReceivedOnNext()).containsExactly(1, 2, 3, 4, 5, 6);
		assertThat(slow.getReceivedOnNext()).containsExactly(1, 2, 3, 4, 5, 6);
	}

	@Test
	void stepwiseDemandDeliversEachValueToBothBeforeTheNext() {
		TestPublisher<Integer> source = TestPublisher.create();
		Tee<Integer> tee = Tee.split(source);
		TestSubscriber<Integer> first = TestSubscriber.builder().initialRequest(0).build();
		TestSubscriber<Integer> second = TestSubscriber.builder().initialRequest(0).build();
		tee.first().subscribe(first);
		tee.second().subscribe(second);

		for (int i = 1; i <= 3; i++) {
			first.request(1);
			source.assertMaxRequested(0);
			second.request(1);
			source.assertMinRequested(1).assertMaxRequested(1);
			source.next(i);
			assertThat(first.getReceivedOnNext()).hasSize(i).last().isEqualTo(i);
			assertThat(second.getReceivedOnNext()).hasSize(i).last().isEqualTo(i);
		}
	}

	@Test
	void completionReachesBothBranches() {
		TestPublisher<Integer> source = TestPublisher.create();
		Tee<Integer> tee = Tee.split(source);
		TestSubscriber<Integer> first = TestSubscriber.create();
		TestSubscriber<Integer> second = TestSubscriber.create();
		tee.first().subscribe(first);
		tee.second().subscribe(second);
		source.next(7).complete();
		assertThat(first.isTerminatedComplete()).isTrue();
		assertThat(second.isTerminatedComplete()).isTrue();
	}

	@Test
	void anErrorReachesBothBranches() {
		TestPublisher<Integer> source = TestPublisher.create();
		Tee<Integer> tee = Tee.split(source);
		TestSubscriber<Integer> first = TestSubscriber.create();
		TestSubscriber<Integer> second = TestSubscriber.create();
		tee.first().subscribe(first);
		tee.second().subscribe(second);
		source.next(7).error(new IllegalStateException("source failed"));
		assertThat(first.expectTerminalError()).hasMessage("source failed");
		assertThat(second.expectTerminalError()).hasMessage("source failed");
		assertThat(first.getReceivedOnNext()).containsExactly(7);
	}

	@Test
	void byDefaultTheOtherBranchKeepsReceivingAfterOneCancels() {
		HandOffTasks handOff = new HandOffTasks();
		TestPublisher<Integer> source = TestPublisher.create();
		Tee<Integer> tee = Tee.split(source, Tee.WhenOneCancels.KEEP_OTHER, handOff.scheduler);
		TestSubscriber<Integer> first = TestSubscriber.builder().initialRequest(1).build();
		TestSubscriber<Integer> second = TestSubscriber.builder().initialRequest(10).build();
		tee.first().subscribe(first);
		tee.second().subscribe(second);
		source.next(1);

		first.cancel();
		source.assertNotCancelled();
		// The cancelled branch no longer holds the other back; the cancel itself asks for nothing.
		source.assertMaxRequested(0);
		handOff.runAll();
		source.assertMinRequested(9);
		source.next(2, 3);
		assertThat(first.getReceivedOnNext()).containsExactly(1);
		assertThat(second.getReceivedOnNext()).containsExactly(1, 2, 3);

		second.cancel();
		source.assertCancelled();
	}

	@Test
	void cancelBothCancelsTheSourceAndCompletesTheOtherBranch() {
		TestPublisher<Integer> source = TestPublisher.create();
		Tee<Integer> tee = Tee.split(source, Tee.WhenOneCancels.CANCEL_BOTH);
		TestSubscriber<Integer> first = TestSubscriber.create();
		TestSubscriber<Integer> second = TestSubscriber.create();
		tee.first().subscribe(first);
		tee.second().subscribe(second);
		source.next(1);

		first.cancel();
		source.assertCancelled();
		assertThat(second.isTerminatedComplete()).isTrue();
		assertThat(second.getReceivedOnNext()).containsExactly(1);
	}

	@Test
	void cancelBothBeforeTheOtherSubscribesNeverStartsTheSource() {
		PublisherProbe<Integer> source = PublisherProbe.of(Flux.just(1));
		Tee<Integer> tee = Tee.split(source.flux(), Tee.WhenOneCancels.CANCEL_BOTH);
		TestSubscriber<Integer> first = TestSubscriber.create();
		tee.first().subscribe(first);
		first.cancel();
		StepVerifier.create(tee.second()).verifyComplete();
		source.assertWasNotSubscribed();
	}

	@Test
	void bothBranchesCancellingCancelsTheSource() {
		TestPublisher<Integer> source = TestPublisher.create();
		Tee<Integer> tee = Tee.split(source);
		TestSubscriber<Integer> first = TestSubscriber.create();
		TestSubscriber<Integer> second = TestSubscriber.create();
		tee.first().subscribe(first);
		tee.second().subscribe(second);
		first.cancel();
		source.assertNotCancelled();
		second.cancel();
		source.assertCancelled();
	}

	@Test
	void branchesThatCancelWhileAnEndlessSourceEmitsStopIt() {
		for (Tee.WhenOneCancels policy : Tee.WhenOneCancels.values()) {
			Tee<Integer> tee = Tee.split(Generators.repeat(1, 2), policy);
			// take(n, false) requests without bound and cancels from inside onNext.
			TestSubscriber<Integer> first = TestSubscriber.create();
			TestSubscriber<Integer> second = TestSubscriber.create();
			tee.first().take(3, false).subscribe(first);
			tee.second().take(5, false).subscribe(second);
			assertThat(first.getReceivedOnNext()).containsExactly(1, 2, 1);
			assertThat(first.isTerminatedComplete()).isTrue();
			assertThat(second.isTerminatedComplete()).isTrue();
			if (policy == Tee.WhenOneCancels.KEEP_OTHER) {
				assertThat(second.getReceivedOnNext()).containsExactly(1, 2, 1, 2, 1);
			}
			else {
				assertThat(second.getReceivedOnNext()).containsExactly(1, 2, 1);
			}
		}
	}

	@Test
	void aBadRequestFailsThatBranchOnly() {
		HandOffTasks handOff = new HandOffTasks();
		TestPublisher<Integer> source = TestPublisher.create();
		Tee<Integer> tee = Tee.split(source, Tee.WhenOneCancels.KEEP_OTHER, handOff.scheduler);
		RawSubscriber<Integer> bad = new RawSubscriber<>();
		TestSubscriber<Integer> good = TestSubscriber.create();
		tee.first().subscribe(bad);
		tee.second().subscribe(good);
		bad.subscription.request(0);
		assertThat(bad.error).isInstanceOf(IllegalArgumentException.class);
		handOff.runAll();
		source.next(1).complete();
		assertThat(good.getReceivedOnNext()).containsExactly(1);
		assertThat(good.isTerminatedComplete()).isTrue();
		assertThat(bad.values).isEmpty();
	}

	@Test
	void branchesRequestingFromTwoThreadsStayInLockstep() {
		int n = 5_000;
		List<Integer> expected = IntStream.range(0, n).boxed().collect(Collectors.toList());
		for (int round = 0; round < 10; round++) {
			Tee<Integer> tee = Tee.split(Flux.range(0, n).subscribeOn(Schedulers.single()));
			TestSubscriber<Integer> first = TestSubscriber.builder().initialRequest(0).build();
			TestSubscriber<Integer> second = TestSubscriber.builder().initialRequest(0).build();
			tee.first().subscribe(first);
			tee.second().subscribe(second);
			RaceTestUtils.race(() -> requestInRandomSteps(first, n), () -> requestInRandomSteps(second, n));
			first.block(Duration.ofSeconds(30));
			second.block(Duration.ofSeconds(30));
			assertThat(first.getProtocolErrors()).isEmpty();
			assertThat(second.getProtocolErrors()).isEmpty();
			assertThat(first.getReceivedOnNext()).isEqualTo(expected);
			assertThat(second.getReceivedOnNext()).isEqualTo(expected);
		}
	}

	private static void requestInRandomSteps(TestSubscriber<Integer> subscriber, int total) {
		int requested = 0;
		while (requested < total + 1) {
			int step = ThreadLocalRandom.current().nextInt(1, 64);
			subscriber.request(step);
			requested += step;
		}
	}

	@Test
	void cancelBothRacingValuesNeverSignalsAfterCompletion() {
		for (int round = 0; round < 500; round++) {
			Tee<Integer> tee = Tee.split(Flux.range(0, 10_000).subscribeOn(Schedulers.single()),
					Tee.WhenOneCancels.CANCEL_BOTH);
			TestSubscriber<Integer> first = TestSubscriber.create();
			TestSubscriber<Integer> second = TestSubscriber.create();
			tee.first().subscribe(first);
			tee.second().subscribe(second);
			first.cancel();
			second.block(Duration.ofSeconds(10));
			assertThat(second.getProtocolErrors()).isEmpty();
			assertThat(second.isTerminatedComplete()).isTrue();
		}
	}

	@Test
	void bothBranchesCancellingAtOnceWithCancelBothCancelTheSourceOnce() {
		for (int round = 0; round < 10_000; round++) {
			AtomicInteger cancels = new AtomicInteger();
			AtomicInteger subscriptions = new AtomicInteger();
			Flux<Integer> source = Flux.<Integer>never()
					.doOnSubscribe(s -> subscriptions.incrementAndGet())
					.doOnCancel(cancels::incrementAndGet);
			Tee<Integer> tee = Tee.split(source, Tee.WhenOneCancels.CANCEL_BOTH);
			TestSubscriber<Integer> first = TestSubscriber.create();
			TestSubscriber<Integer> second = TestSubscriber.create();
			tee.first().subscribe(first);
			tee.second().subscribe(second);
			RaceTestUtils.race(first::cancel, second::cancel);
			assertThat(subscriptions).hasValue(1);
			assertThat(cancels).hasValue(1);
			assertThat(first.getProtocolErrors()).isEmpty();
			assertThat(second.getProtocolErrors()).isEmpty();
			assertThat(first.getReceivedOnNext()).isEmpty();
			assertThat(second.getReceivedOnNext()).isEmpty();
		}
	}

	@Test
	void cancelBothRacingAValueEitherDeliversItToBothOrDiscardsIt() {
		for (int round = 0; round < 10_000; round++) {
			List<Object> discarded = new CopyOnWriteArrayList<>();
			TestPublisher<Integer> source = TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
			Tee<Integer> tee = Tee.split(source, Tee.WhenOneCancels.CANCEL_BOTH);
			TestSubscriber<Integer> first = TestSubscriber.builder()
					.contextPutAll(Operators.enableOnDiscard(Context.empty(), discarded::add)).build();
			TestSubscriber<Integer> second = TestSubscriber.create();
			tee.first().subscribe(first);
			tee.second().subscribe(second);
			RaceTestUtils.race(() -> source.next(1), first::cancel);
			assertThat(second.getProtocolErrors()).isEmpty();
			assertThat(second.isTerminatedComplete()).isTrue();
			// The survivor got the value or the value was discarded: never both, never neither.
			assertThat(second.getReceivedOnNext().size() + discarded.size()).isEqualTo(1);
		}
	}
}
