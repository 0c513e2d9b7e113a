package io.gopherflux.channel;

import java.util.Objects;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;

/**
 * The book's generators, which turn values or a function into an endless stream.
 * <p>
 * The other generator stages of the book are Reactor's own and get no alias here:
 * <ul>
 * <li>{@code take(done, stream, n)} is {@link Flux#take(long)} (it cancels the source after n);</li>
 * <li>{@code toString(done, stream)} and other type assertions are {@link Flux#cast(Class)} (fails
 * on a value of another type) or {@link Flux#ofType(Class)} (drops it);</li>
 * <li>the {@code done} channel is cancellation: disposing the subscription, or
 * {@code take}/{@link OrDone} downstream, stops the generator.</li>
 * </ul>
 * Both generators are built on {@link Flux#generate}, which produces exactly on demand: nothing
 * is computed before it is requested, and a cancel stops the generation at once.
 */
public final class Generators {

	private Generators() {
	}

	/**
	 * Repeats {@code values}, in order, forever (the book's {@code repeat}).
	 * <p>
	 * Emits {@code values[0], values[1], ..., values[0], ...} as fast as requested; never
	 * completes; stops on cancel. Unlike {@code Flux.fromArray(values).repeat()} it does not
	 * resubscribe at the end of every round.
	 *
	 * @param values the values to cycle through; at least one, none {@code null}
	 * @param <T>    the type of the values
	 * @return an endless Flux of the values
	 */
	@SafeVarargs
	public static <T> Flux<T> repeat(T... values) {
		Objects.requireNonNull(values, "values");
		if (values.length == 0) {
			throw new IllegalArgumentException("values must hold at least one value");
		}
		T[] copy = values.clone();
		for (int i = 0; i < copy.length; i++) {
			Objects.requireNonNull(copy[i], "values[" + i + "]");
		}
		if (copy.length == 1) {
			T only = copy[0];
			return Flux.generate(sink -> sink.next(only));
		}
		return Flux.generate(() -> new int[1], (next, sink) -> {
			int i = next[0];
			sink.next(copy[i]);
			next[0] = i + 1 == copy.length ? 0 : i + 1;
			return next;
		});
	}

	/**
	 * Calls {@code fn} for every value requested, forever (the book's {@code repeatFn}).
	 * <p>
	 * Emits one result of {@code fn} per unit of demand, never ahead of it; never completes by
	 * itself; fails if {@code fn} throws or returns {@code null}; stops on cancel.
	 *
	 * @param fn  the function to call
	 * @param <T> the type of the values
	 * @return an endless Flux of fn's results
	 */
	public static <T> Flux<T> repeatFn(Supplier<? extends T> fn) {
		Objects.requireNonNull(fn, "fn");
		return Flux.generate(sink -> {
			T value = fn.get();
			if (value == null) {
				sink.error(new NullPointerException("repeatFn's function returned null"));
			}
			else {
				sink.next(value);
			}
		});
	}
}
