package io.gopherflux.channel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.stream.Stream;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * The or-channel: one done-signal made of many.
 * <p>
 * The returned {@code Mono<Void>} completes as soon as any of the given Publishers emits a value
 * or completes, and then cancels all the others. Values are only a signal here: they are not
 * emitted (each input is asked for one value at most) and are discarded.
 * <p>
 * It is flat: one subscriber per input and one coordinator, whatever the number of inputs, so a
 * hundred thousand done-signals cost no deep stack and no thread each, unlike the book's
 * recursive goroutine tree.
 * <ul>
 * <li><b>No inputs</b>: never completes, as receiving from Go's nil channel blocks forever.</li>
 * <li><b>Errors</b>: an input that fails before any input fired fails the result with its error
 * and cancels the others; later errors are dropped ({@code Hooks.onErrorDropped}).</li>
 * <li><b>Cancellation</b>: cancels every input subscribed so far and stops subscribing the rest.</li>
 * </ul>
 * Inputs are subscribed in order on the subscribing thread; if one fires while they are being
 * subscribed, the remaining ones are never subscribed. An input that is a plain
 * {@link Publisher} rather than a Flux or Mono is adapted with {@code Flux.from} (assembly hooks,
 * context propagation), and the result passes through {@code Mono.onAssembly}, so
 * {@code Hooks.onOperatorDebug()} and {@code Hooks.onEachOperator} see it.
 */
public final class Or extends Mono<Void> implements Scannable {

	private final Publisher<?>[] signals;

	private Or(Publisher<?>[] signals) {
		this.signals = signals;
	}

	/**
	 * A done-signal that fires when the first of {@code signals} emits or completes.
	 *
	 * @param signals the done-signals; none of them {@code null}
	 * @return a Mono that completes on the first signal, fails on an input's error before that
	 */
	public static Mono<Void> of(Publisher<?>... signals) {
		Objects.requireNonNull(signals, "signals");
		Publisher<?>[] copy = signals.clone();
		for (int i = 0; i < copy.length; i++) {
			Objects.requireNonNull(copy[i], "signals[" + i + "]");
		}
		return onAssembly(create(copy));
	}

	/**
	 * A done-signal that fires when the first of {@code signals} emits or completes.
	 *
	 * @param signals the done-signals; none of them {@code null}
	 * @return a Mono that completes on the first signal, fails on an input's error before that
	 */
	public static Mono<Void> of(Iterable<? extends Publisher<?>> signals) {
		Objects.requireNonNull(signals, "signals");
		if (signals instanceof Collection) {
			// One copy, straight into the array the coordinator reads.
			Publisher<?>[] array = ((Collection<? extends Publisher<?>>) signals).toArray(new Publisher<?>[0]);
			for (int i = 0; i < array.length; i++) {
				Objects.requireNonNull(array[i], "signals[" + i + "]");
			}
			return onAssembly(create(array));
		}
		List<Publisher<?>> list = new ArrayList<>();
		int i = 0;
		for (Publisher<?> signal : signals) {
			list.add(Objects.requireNonNull(signal, "signals[" + i + "]"));
			i++;
		}
		return onAssembly(create(list.toArray(new Publisher<?>[0])));
	}

	private static Or create(Publisher<?>[] signals) {
		// The array is our own copy: adapted in place, once, at assembly (written only where a
		// plain Publisher was wrapped: Flux and Mono inputs come back as they are).
		for (int i = 0; i < signals.length; i++) {
			Publisher<?> adapted = Operators.toFluxOrMono(signals[i]);
			if (adapted != signals[i]) {
				signals[i] = adapted;
			}
		}
		// No inputs: an Or that subscribes nothing and so never completes.
		return new Or(signals);
	}

	@Override
	public void subscribe(CoreSubscriber<? super Void> actual) {
		OrCoordinator parent = new OrCoordinator(actual, signals.length);
		actual.onSubscribe(parent);
		parent.subscribe(signals);
	}

	@Override
	public Object scanUnsafe(Attr key) {
		if (key == Attr.RUN_STYLE) {
			return Attr.RunStyle.SYNC;
		}
		return null;
	}

	/*
	 * State machine: DONE goes from ACTIVE to TERMINATED or CANCELLED exactly once: to TERMINATED
	 * by the first input to fire (complete), the first input to fail (error) or a bad request, to
	 * CANCELLED by a cancel. Whoever wins it cancels every input subscribed so far and stops the
	 * subscription loop; only the winner signals downstream.
	 */
	static final class OrCoordinator implements Subscription, Scannable {

		static final int ACTIVE = 0;
		static final int TERMINATED = 1;
		static final int CANCELLED = 2;

		final CoreSubscriber<? super Void> actual;
		final OrInner[] inners;

		volatile int done;
		static final AtomicIntegerFieldUpdater<OrCoordinator> DONE =
				AtomicIntegerFieldUpdater.newUpdater(OrCoordinator.class, "done");

		OrCoordinator(CoreSubscriber<? super Void> actual, int n) {
			this.actual = actual;
			// Filled in the constructor so that the final field publishes every inner to a
			// canceller on another thread.
			OrInner[] a = new OrInner[n];
			for (int i = 0; i < n; i++) {
				a[i] = new OrInner(this);
			}
			this.inners = a;
		}

		void subscribe(Publisher<?>[] signals) {
			OrInner[] a = inners;
			for (int i = 0; i < a.length && done == ACTIVE; i++) {
				signals[i].subscribe(a[i]);
			}
		}

		void fire(OrInner winner) {
			if (DONE.compareAndSet(this, ACTIVE, TERMINATED)) {
				cancelAllBut(winner);
				actual.onComplete();
			}
		}

		void fail(OrInner loser, Throwable t) {
			if (DONE.compareAndSet(this, ACTIVE, TERMINATED)) {
				cancelAllBut(loser);
				actual.onError(t);
			}
			else {
				Operators.onErrorDropped(t, actual.currentContext());
			}
		}

		@Override
		public void request(long n) {
			if (n <= 0 && DONE.compareAndSet(this, ACTIVE, TERMINATED)) {
				// Rule 3.9, even though a Mono<Void> never emits a value.
				cancelAllBut(null);
				actual.onError(Exceptions.nullOrNegativeRequestException(n));
			}
		}

		@Override
		public void cancel() {
			if (DONE.compareAndSet(this, ACTIVE, CANCELLED)) {
				cancelAllBut(null);
			}
		}

		@Override
		public Object scanUnsafe(Attr key) {
			if (key == Attr.ACTUAL) {
				return actual;
			}
			if (key == Attr.CANCELLED) {
				return done == CANCELLED;
			}
			if (key == Attr.TERMINATED) {
				return done == TERMINATED;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}

		@Override
		public Stream<? extends Scannable> inners() {
			return Stream.of(inners);
		}

		private void cancelAllBut(OrInner keep) {
			for (OrInner inner : inners) {
				// An inner not yet subscribed is marked cancelled and will cancel on arrival.
				if (inner != keep) {
					inner.cancelQuickly();
				}
			}
		}
	}

	static final class OrInner implements CoreSubscriber<Object>, Scannable {

		final OrCoordinator parent;

		volatile Subscription s;
		static final AtomicReferenceFieldUpdater<OrInner, Subscription> S =
				AtomicReferenceFieldUpdater.newUpdater(OrInner.class, Subscription.class, "s");

		boolean fired;

		OrInner(OrCoordinator parent) {
			this.parent = parent;
		}

		@Override
		public Context currentContext() {
			return parent.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.setOnce(S, this, s)) {
				s.request(1);
			}
		}

		@Override
		public void onNext(Object t) {
			if (fired) {
				Operators.onDiscard(t, currentContext());
				return;
			}
			fired = true;
			Operators.onDiscard(t, currentContext());
			cancel();
			parent.fire(this);
		}

		@Override
		public void onError(Throwable t) {
			if (fired) {
				Operators.onErrorDropped(t, currentContext());
				return;
			}
			fired = true;
			parent.fail(this, t);
		}

		@Override
		public void onComplete() {
			if (fired) {
				return;
			}
			fired = true;
			parent.fire(this);
		}

		void cancel() {
			Operators.terminate(S, this);
		}

		@Override
		public Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return s;
			}
			if (key == Attr.ACTUAL) {
				return parent;
			}
			if (key == Attr.CANCELLED) {
				// cancelQuickly() leaves the subscription in place: an input that did not fire
				// once the coordinator is done has been cancelled.
				return !fired && (parent.done != OrCoordinator.ACTIVE || s == Operators.cancelledSubscription());
			}
			if (key == Attr.TERMINATED) {
				return fired;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}

		/*
		 * The coordinator's cancel of every input: an input that already has its subscription
		 * (the usual case) is cancelled without an atomic swap, since a second cancel is a no-op
		 * (rule 3.7); only a missing subscription needs the CAS that makes its arrival cancel it.
		 */
		void cancelQuickly() {
			Subscription current = s;
			if (current == null) {
				if (S.compareAndSet(this, null, Operators.cancelledSubscription())) {
					return;
				}
				current = s;
			}
			if (current != Operators.cancelledSubscription()) {
				current.cancel();
			}
		}
	}
}
