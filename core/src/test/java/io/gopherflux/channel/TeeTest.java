package io.gopherflux.channel;

import io.gopherflux.testing.RawSubscriber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;
import reactor.test.subscriber.TestSubscriber;
import reactor.test.util.RaceTestUtils;
import reactor.util.function.Tuples;

class TeeTest {

	@Test
	void nullArgumentsAreRejectedAtAssembly() {
		assertThatNullPointerException().isThrownBy(() -> Tee.split(null)).withMessage("source");
		assertThatNullPointerException().isThrownBy(() -> Tee.split(Flux.empty(), null)).withMessage("policy");
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
		TestPublisher<Integer> source = TestPublisher.create();
		Tee<Integer> tee = Tee.split(source);
		TestSubscriber<Integer> first = TestSubscriber.builder().initialRequest(1).build();
		TestSubscriber<Integer> second = TestSubscriber.builder().initialRequest(10).build();
		tee.first().subscribe(first);
		tee.second().subscribe(second);
		source.next(1);

		first.cancel();
		source.assertNotCancelled();
		// The cancelled branch no longer holds the other back.
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
		TestPublisher<Integer> source = TestPublisher.create();
		Tee<Integer> tee = Tee.split(source);
		RawSubscriber<Integer> bad = new RawSubscriber<>();
		TestSubscriber<Integer> good = TestSubscriber.create();
		tee.first().subscribe(bad);
		tee.second().subscribe(good);
		bad.subscription.request(0);
		assertThat(bad.error).isInstanceOf(IllegalArgumentException.class);
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
}
