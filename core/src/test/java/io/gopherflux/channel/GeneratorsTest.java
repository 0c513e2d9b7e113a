package io.gopherflux.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.test.StepVerifier;

class GeneratorsTest {

	@Test
	void nullArgumentsAreRejectedAtAssembly() {
		assertThatNullPointerException().isThrownBy(() -> Generators.repeat((Object[]) null)).withMessage("values");
		assertThatNullPointerException().isThrownBy(() -> Generators.repeat(1, null)).withMessage("values[1]");
		assertThatNullPointerException().isThrownBy(() -> Generators.repeatFn(null)).withMessage("fn");
	}

	@Test
	void repeatNeedsAtLeastOneValue() {
		assertThatIllegalArgumentException().isThrownBy(Generators::repeat).withMessageContaining("values");
	}

	@Test
	void theGeneratorsAreReactorsOwnOperatorsSeenByTheAssemblyHooks() {
		// Built on Flux.generate, they need no Publisher of their own to meet the operator contract.
		List<Publisher<?>> seen = new CopyOnWriteArrayList<>();
		Hooks.onEachOperator("generatorsTest", p -> {
			seen.add(p);
			return p;
		});
		try {
			Flux<Integer> one = Generators.repeat(1);
			Flux<Integer> two = Generators.repeat(1, 2);
			Flux<Integer> fn = Generators.repeatFn(() -> 1);
			assertThat(seen).contains(one, two, fn);
			assertThat(Scannable.from(one).isScanAvailable()).isTrue();
			assertThat(Scannable.from(two).isScanAvailable()).isTrue();
			assertThat(Scannable.from(fn).isScanAvailable()).isTrue();
		}
		finally {
			Hooks.resetOnEachOperator("generatorsTest");
		}
	}

	@Test
	void repeatOfOneValueTakenTen() {
		StepVerifier.create(Generators.repeat(1).take(10))
				.expectNext(1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
				.verifyComplete();
	}

	@Test
	void repeatCyclesThroughItsValuesInOrder() {
		StepVerifier.create(Generators.repeat("a", "b", "c").take(7))
				.expectNext("a", "b", "c", "a", "b", "c", "a")
				.verifyComplete();
	}

	@Test
	void repeatIsNotAffectedByChangesToTheCallersArray() {
		Integer[] values = {1, 2};
		var flux = Generators.repeat(values);
		values[0] = 9;
		StepVerifier.create(flux.take(2)).expectNext(1, 2).verifyComplete();
	}

	@Test
	void repeatFnCallsTheFunctionOncePerRequestedValue() {
		AtomicInteger calls = new AtomicInteger();
		Supplier<Integer> fn = calls::incrementAndGet;
		StepVerifier.create(Generators.repeatFn(fn), 0)
				.then(() -> assertThat(calls).hasValue(0))
				.thenRequest(3)
				.expectNext(1, 2, 3)
				.then(() -> assertThat(calls).hasValue(3))
				.thenCancel()
				.verify();
		assertThat(calls).hasValue(3);
	}

	@Test
	void repeatFnStopsCallingAfterTake() {
		AtomicInteger calls = new AtomicInteger();
		StepVerifier.create(Generators.repeatFn(calls::incrementAndGet).take(10)).expectNextCount(10).verifyComplete();
		assertThat(calls).hasValue(10);
	}

	@Test
	void repeatFnFailsWhenTheFunctionReturnsNull() {
		StepVerifier.create(Generators.repeatFn(() -> null))
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NullPointerException.class)
						.hasMessageContaining("returned null"))
				.verify();
	}

	@Test
	void repeatFnFailsWhenTheFunctionThrows() {
		StepVerifier.create(Generators.repeatFn(() -> {
					throw new IllegalStateException("no more");
				}))
				.expectErrorMessage("no more")
				.verify();
	}

	@Test
	void takeThenCastIsTheBooksTypeAssertionStage() {
		StepVerifier.create(Generators.<Object>repeat("I", "am.").take(5).cast(String.class).reduce(String::concat))
				.expectNext("Iam.Iam.I")
				.verifyComplete();
	}
}
