package io.gopherflux.pipeline;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * A bounded queue between two stages of a pipeline, as a buffered Go channel: the producer may
 * run up to {@link QueueConfig#capacity()} elements ahead of the consumer, and what happens
 * beyond that is the explicit {@link OverflowPolicy}. Never unbounded.
 * <p>
 * The queue is Reactor's own: {@code limitRate(capacity, 1)} for
 * {@link OverflowPolicy#BACKPRESSURE}, {@code onBackpressureBuffer(capacity, onOverflow, strategy)}
 * for the others. What the stage adds is the policy as a value, a well-formed
 * {@link QueueOverflowException} for {@link OverflowPolicy#FAIL}, and Little's-law metrics:
 * unless {@link QueueConfig#metrics()} is {@link QueueMetrics#noop()}, each element is stamped
 * on {@link QueueConfig#clock()} when it enters and reported when it leaves (delivered, dropped
 * by the policy, or discarded on cancel or error), so that L, &lambda; and W can be read from
 * the {@link QueueMetrics}.
 * <p>
 * The returned function keeps its per-subscription state inside each subscription, so it is
 * safe with {@code transform}. Of the resulting {@link Flux}:
 * <ul>
 *     <li>it emits the source's elements in order, less those the policy drops;</li>
 *     <li>it completes, or fails with the source's error, once the queued elements have been
 *     delivered;</li>
 *     <li>with {@link OverflowPolicy#FAIL} it delivers the queued elements and then fails with a
 *     {@link QueueOverflowException}, the source cancelled at the overflow;</li>
 *     <li>on cancellation it cancels the source and discards the queued elements: they go to the
 *     discard hook of the subscriber ({@code doOnDiscard}) and count as
 *     {@link QueueMetrics.Outcome#DISCARDED}, so L returns to what it was.</li>
 * </ul>
 * Dropped elements also reach the subscriber's discard hook. Where a queue belongs: at the
 * entrance of a pipeline, or before a stage that gains from batching
 * ({@code bufferTimeout}); elsewhere it only hides a slow stage behind lag.
 */
public final class QueueStage {

	private QueueStage() {
	}

	/**
	 * A queue stage configured by {@code config}; use it with {@code transform}.
	 *
	 * @param config the capacity, overflow policy, clock and metrics
	 * @param <T>    the type of the elements
	 * @return a function for {@code transform}
	 * @throws NullPointerException if {@code config} is null
	 */
	public static <T> Function<Flux<T>, Flux<T>> of(QueueConfig config) {
		Objects.requireNonNull(config, "config");
		if (config.metrics() == QueueMetrics.noop()) {
			return source -> queue(source, config, dropped -> {
			});
		}
		return source -> metered(source, config);
	}

	// onOverflow sees each element the policy drops, before it goes to the discard hook.
	private static <E> Flux<E> queue(Flux<E> source, QueueConfig config, Consumer<E> onOverflow) {
		int capacity = config.capacity();
		switch (config.overflow()) {
			case BACKPRESSURE:
				// A low tide of 1 requests each freed place at once, as a Go channel send resumes.
				return source.limitRate(capacity, 1);
			case DROP_NEWEST:
				return source.onBackpressureBuffer(capacity, onOverflow, BufferOverflowStrategy.DROP_LATEST);
			case DROP_OLDEST:
				return source.onBackpressureBuffer(capacity, onOverflow, BufferOverflowStrategy.DROP_OLDEST);
			case FAIL:
			default:
				return Flux.defer(() -> {
					// Only an overflow of this queue becomes a QueueOverflowException; an upstream
					// error (an upstream overflow included) passes as it is.
					AtomicBoolean overflowed = new AtomicBoolean();
					return source
							.onBackpressureBuffer(capacity, e -> {
								overflowed.set(true);
								onOverflow.accept(e);
							}, BufferOverflowStrategy.ERROR)
							.onErrorMap(e -> overflowed.get(),
									e -> new QueueOverflowException(config.name(), capacity, e));
				});
		}
	}

	private static <T> Flux<T> metered(Flux<T> source, QueueConfig config) {
		return Flux.defer(() -> {
			Ledger ledger = new Ledger(config.clock(), config.metrics());
			// hide(): were the stamping map fused into limitRate's queue, it would run when the
			// element is taken out, not when it arrives.
			Flux<Arrival<T>> arrivals = source.map(ledger::arrive).hide();
			return queue(arrivals, config, arrival -> arrival.overflowed = true)
					.map(ledger::deliver)
					.doFinally(signal -> ledger.close())
					.contextWrite(downstream -> Operators.enableOnDiscard(downstream,
							new Discards(downstream, ledger)));
		});
	}

	/** An element in the stage and the instant it entered, on the stage's clock. */
	static final class Arrival<T> {

		final T value;
		final long since;
		// False when it arrived after the subscription ended: it is not in the books.
		final boolean counted;
		// Written and read on the producer's thread, in the buffer's onNext.
		boolean overflowed;

		Arrival(T value, long since, boolean counted) {
			this.value = value;
			this.since = since;
			this.counted = counted;
		}
	}

	/**
	 * The books of one subscription: which elements are in the stage and since when in total, so
	 * that every element that arrived is reported as leaving exactly once.
	 * <p>
	 * Reactor's {@code onBackpressureBuffer} can strand an element whose {@code onNext} races
	 * with {@code cancel} (it is queued after the queue was cleared, and never discarded). So on
	 * termination or cancellation the ledger closes: what is still in it is reported as
	 * {@link QueueMetrics.Outcome#DISCARDED}, their total time in the stage exact, and any later
	 * departure or discard is ignored. Without this, L would creep up by one at every such race.
	 */
	static final class Ledger {

		final Scheduler clock;
		final QueueMetrics metrics;

		// Guarded by this. sumOfSince may overflow: only differences of it are used, and those
		// fit in a long whenever the total time they stand for does.
		long inStage;
		long sumOfSince;
		boolean closed;

		Ledger(Scheduler clock, QueueMetrics metrics) {
			this.clock = clock;
			this.metrics = metrics;
		}

		<T> Arrival<T> arrive(T value) {
			long now = clock.now(TimeUnit.NANOSECONDS);
			boolean counted;
			synchronized (this) {
				counted = !closed;
				if (counted) {
					inStage++;
					sumOfSince += now;
				}
			}
			if (counted) {
				metrics.arrived();
			}
			return new Arrival<>(value, now, counted);
		}

		<T> T deliver(Arrival<T> arrival) {
			leave(arrival, QueueMetrics.Outcome.DELIVERED);
			return arrival.value;
		}

		void leave(Arrival<?> arrival, QueueMetrics.Outcome outcome) {
			if (!arrival.counted) {
				return;
			}
			synchronized (this) {
				if (closed) {
					return;
				}
				inStage--;
				sumOfSince -= arrival.since;
			}
			metrics.left(clock.now(TimeUnit.NANOSECONDS) - arrival.since, outcome);
		}

		void close() {
			long left;
			long totalNanos;
			synchronized (this) {
				if (closed) {
					return;
				}
				closed = true;
				left = inStage;
				totalNanos = left * clock.now(TimeUnit.NANOSECONDS) - sumOfSince;
			}
			for (long i = 0; i < left; i++) {
				// Each gets an equal share; the first also takes the remainder, so the sum is exact.
				long share = totalNanos / left + (i == 0 ? totalNanos % left : 0);
				metrics.left(share, QueueMetrics.Outcome.DISCARDED);
			}
		}
	}

	/**
	 * The discard hook seen by the queue: it books each element that leaves without being
	 * delivered and passes the bare element on to the subscriber's own hook, which it replaces.
	 */
	static final class Discards implements Consumer<Object> {

		final Context downstream;
		final Ledger ledger;

		Discards(Context downstream, Ledger ledger) {
			this.downstream = downstream;
			this.ledger = ledger;
		}

		@Override
		public void accept(Object discarded) {
			if (discarded instanceof Arrival) {
				Arrival<?> arrival = (Arrival<?>) discarded;
				ledger.leave(arrival, arrival.overflowed ? QueueMetrics.Outcome.DROPPED : QueueMetrics.Outcome.DISCARDED);
				Operators.onDiscard(arrival.value, downstream);
			}
			else {
				Operators.onDiscard(discarded, downstream);
			}
		}
	}
}
