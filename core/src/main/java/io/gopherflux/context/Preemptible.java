package io.gopherflux.context;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A long CPU-bound computation cut into chunks, so that a cancellation is honoured between any two
 * chunks (chapter 5, "Timeouts and Cancellation": preemptability). The chunk size is the period
 * within which the computation is preemptable; keep each chunk shorter than the time a cancelled
 * caller may wait.
 * <p>
 * Built on {@link Flux#generate}, which runs one generator call per element and looks at
 * cancellation before each call; this class only adds the chunk shape and the final result. Run it
 * on a scheduler meant for CPU work ({@code subscribeOn(Schedulers.parallel())}) so that another
 * thread can cancel it while it computes.
 * <pre>{@code
 * Mono<Long> sum = Preemptible.compute(() -> new long[] {0, 1},       // {sum, next}
 *         s -> { for (int i = 0; i < 10_000 && s[1] <= n; i++, s[1]++) s[0] += s[1] * s[1];
 *                return s[1] > n; },
 *         s -> s[0])
 *     .subscribeOn(Schedulers.parallel());
 * }</pre>
 */
public final class Preemptible {

	/**
	 * One chunk of a computation.
	 *
	 * @param <S> the computation's mutable state
	 */
	@FunctionalInterface
	public interface Chunk<S> {

		/**
		 * Runs the next chunk of work on {@code state}.
		 *
		 * @param state the computation's state, changed in place
		 * @return {@code true} when the computation is complete, {@code false} if more chunks remain
		 */
		boolean run(S state);
	}

	private Preemptible() {
	}

	/**
	 * A Mono that, on each subscription, makes a fresh state, runs {@code chunk} on it until it
	 * reports completion, and emits {@code result} of the final state.
	 * <p>
	 * Cancellation is checked before every chunk: once the subscription is cancelled, the chunk under
	 * way finishes and no further chunk runs. An exception thrown by a chunk, by the state supplier
	 * or by {@code result} fails the Mono; a {@code null} result fails it with a
	 * NullPointerException.
	 *
	 * @param initialState makes the state for one subscription
	 * @param chunk        runs one chunk of work
	 * @param result       turns the final state into the emitted value
	 * @param <S>          the type of the computation's mutable state
	 * @param <R>          the type of the result
	 * @return the result, computed on each subscription
	 */
	public static <S, R> Mono<R> compute(Supplier<? extends S> initialState, Chunk<? super S> chunk,
			Function<? super S, ? extends R> result) {
		Objects.requireNonNull(initialState, "initialState");
		Objects.requireNonNull(chunk, "chunk");
		Objects.requireNonNull(result, "result");
		return Flux.<S, S>generate(initialState::get, (state, sink) -> {
			boolean done = chunk.run(state);
			sink.next(state);
			if (done) {
				sink.complete();
			}
			return state;
		}).last().map(result);
	}
}
