package io.gopherflux.pipeline;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

import org.reactivestreams.Publisher;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Fan-out/fan-in of a slow stage: each element is handed to one of N workers, and their results
 * are multiplexed back into one {@link Flux}, in completion order or in input order.
 * <p>
 * This is Reactor's {@code flatMap} ({@link FanOutConfig.Order#COMPLETION}) or
 * {@code flatMapSequential} ({@link FanOutConfig.Order#INPUT}) with a concurrency of
 * {@link FanOutConfig#workers()}, each call subscribed on {@link FanOutConfig#scheduler()}. A
 * worker that finishes takes the next element, as a free goroutine of the book's fan-out reads
 * the next value from the shared channel; no new engine is involved.
 * <p>
 * Common behaviour of the returned functions (use them with {@code transform}; they hold no
 * state outside a subscription):
 * <ul>
 *     <li>Backpressure: at most {@code workers} elements are requested ahead of the results
 *     downstream has taken, so at most {@code workers} results wait for a slow consumer.</li>
 *     <li>Cancellation of the result cancels the upstream and every worker: calls not yet
 *     started never start, and the thread of a running call is interrupted (a stage that
 *     never looks at its interrupt flag runs to its end and its result is dropped).</li>
 *     <li>Errors: the first failing call (or an upstream error) cancels every other worker and
 *     is emitted as is; the failure is the stage's own, not the library's.</li>
 * </ul>
 * For cheap stages the per-element hop to the scheduler dominates; there Reactor's
 * {@code flux.parallel(n).runOn(scheduler).map(stage).sequential()}, which hands elements to
 * rails in batches, is the better tool (see the prime-finder benchmark).
 */
public final class FanOut {

	private FanOut() {
	}

	/**
	 * Applies {@code stage} to every element on the {@link FanOutConfig#defaults() default}
	 * workers; see {@link #map(FanOutConfig, Function)}.
	 *
	 * @param stage the synchronous stage
	 * @param <T>   the type of the elements
	 * @param <R>   the type of the results
	 * @return a function for {@code transform}
	 */
	public static <T, R> Function<Flux<T>, Flux<R>> map(Function<? super T, ? extends R> stage) {
		Objects.requireNonNull(stage, "stage");
		return map(FanOutConfig.defaults(), stage);
	}

	/**
	 * Applies the synchronous {@code stage} to every element, at most
	 * {@code config.workers()} calls at once on {@code config.scheduler()}, and emits each result
	 * in {@code config.order()}. Completes when the source has completed and every call has
	 * returned. A {@code null} result is an error ({@link NullPointerException}), as in
	 * {@link Flux#map(Function)}.
	 *
	 * @param config the workers, their scheduler and the order of the results
	 * @param stage  the synchronous stage
	 * @param <T>    the type of the elements
	 * @param <R>    the type of the results
	 * @return a function for {@code transform}
	 */
	public static <T, R> Function<Flux<T>, Flux<R>> map(FanOutConfig config,
			Function<? super T, ? extends R> stage) {
		Objects.requireNonNull(config, "config");
		Objects.requireNonNull(stage, "stage");
		return source -> fanIn(source, config, t -> Mono.<R>fromCallable(
				() -> Objects.requireNonNull(stage.apply(t), "the stage returned null"))
				.subscribeOn(config.scheduler()));
	}

	/**
	 * Keeps the elements {@code predicate} accepts, testing them on the
	 * {@link FanOutConfig#defaults() default} workers; see {@link #filter(FanOutConfig, Predicate)}.
	 *
	 * @param predicate the synchronous test
	 * @param <T>       the type of the elements
	 * @return a function for {@code transform}
	 */
	public static <T> Function<Flux<T>, Flux<T>> filter(Predicate<? super T> predicate) {
		Objects.requireNonNull(predicate, "predicate");
		return filter(FanOutConfig.defaults(), predicate);
	}

	/**
	 * Tests every element with the synchronous {@code predicate}, at most
	 * {@code config.workers()} tests at once on {@code config.scheduler()}, and emits the
	 * accepted elements in {@code config.order()}. The book's prime finder is this stage.
	 *
	 * @param config    the workers, their scheduler and the order of the results
	 * @param predicate the synchronous test
	 * @param <T>       the type of the elements
	 * @return a function for {@code transform}
	 */
	public static <T> Function<Flux<T>, Flux<T>> filter(FanOutConfig config,
			Predicate<? super T> predicate) {
		Objects.requireNonNull(config, "config");
		Objects.requireNonNull(predicate, "predicate");
		return source -> fanIn(source, config, t -> Mono.fromCallable(() -> predicate.test(t) ? t : null)
				.subscribeOn(config.scheduler()));
	}

	/**
	 * Maps every element to a {@link Publisher} with {@code stage} and merges their elements,
	 * at most {@code config.workers()} publishers active at once; each call of {@code stage} and
	 * the subscription to its publisher happen on {@code config.scheduler()}. With
	 * {@link FanOutConfig.Order#INPUT} the elements of each publisher come out after those of
	 * the publishers of earlier inputs.
	 *
	 * @param config the workers, their scheduler and the order of the results
	 * @param stage  makes the publisher of each element
	 * @param <T>    the type of the elements
	 * @param <R>    the type of the results
	 * @return a function for {@code transform}
	 */
	public static <T, R> Function<Flux<T>, Flux<R>> flatMap(FanOutConfig config,
			Function<? super T, ? extends Publisher<? extends R>> stage) {
		Objects.requireNonNull(config, "config");
		Objects.requireNonNull(stage, "stage");
		return source -> {
			Function<T, Publisher<R>> worker = t -> Flux.defer(() -> Flux.<R>from(stage.apply(t)))
					.subscribeOn(config.scheduler());
			return config.order() == FanOutConfig.Order.INPUT
					? source.flatMapSequential(worker, config.workers())
					: source.flatMap(worker, config.workers());
		};
	}

	// Each worker is a Mono, so a prefetch of 1 per worker is all the buffering it needs.
	private static <T, R> Flux<R> fanIn(Flux<T> source, FanOutConfig config,
			Function<T, Mono<R>> worker) {
		return config.order() == FanOutConfig.Order.INPUT
				? source.flatMapSequential(worker, config.workers(), 1)
				: source.flatMap(worker, config.workers(), 1);
	}
}
