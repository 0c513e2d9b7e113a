package io.gopherflux.channel;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * The or-done-channel: reads a source until a done-signal fires.
 * <p>
 * Emits the source's values until the done-signal emits a value or completes; then it cancels
 * the source and completes. The done-signal is subscribed first, so a done-signal that has
 * already fired means the source is never subscribed at all (no work is started only to be
 * thrown away). Combine several done-signals with {@link Or}.
 * <ul>
 * <li><b>Completion</b>: when the source completes (the done-signal is then cancelled) or when
 * the done-signal fires (the source is then cancelled).</li>
 * <li><b>Errors</b>: an error of the source, or of the done-signal, is propagated and cancels the
 * other one.</li>
 * <li><b>Backpressure</b>: the source sees exactly the downstream demand; the done-signal is asked
 * for one value.</li>
 * <li><b>Cancellation</b>: cancels both the source and the done-signal.</li>
 * </ul>
 * Reactor's {@code takeUntilOther} is the nearest operator: this one also stops on a done-signal
 * that completes without a value (a closed Go channel), never starts a source whose done-signal
 * fired first, and signals a bad request (rule 3.9) instead of dropping it.
 *
 * @param <T> the type of the values
 */
public final class OrDone<T> extends FluxOperator<T, T> {

	private final Publisher<?> done;

	private OrDone(Flux<? extends T> source, Publisher<?> done) {
		super(source);
		this.done = done;
	}

	/**
	 * A stage for {@code flux.transform(OrDone.until(done))}: the flux's values until
	 * {@code done} emits or completes.
	 *
	 * @param done the done-signal
	 * @param <T>  the type of the values
	 * @return a function that applies the stage to a Flux
	 */
	public static <T> Function<Flux<T>, Flux<T>> until(Publisher<?> done) {
		Objects.requireNonNull(done, "done");
		return source -> new OrDone<>(source, done);
	}

	/**
	 * The values of {@code source} until {@code done} emits or completes.
	 *
	 * @param source the values to read
	 * @param done   the done-signal
	 * @param <T>    the type of the values
	 * @return a Flux of the source's values that completes when either one does
	 */
	public static <T> Flux<T> of(Publisher<? extends T> source, Publisher<?> done) {
		Objects.requireNonNull(source, "source");
		Objects.requireNonNull(done, "done");
		return new OrDone<>(Flux.from(source), done);
	}

	@Override
	public void subscribe(CoreSubscriber<? super T> actual) {
		OrDoneMain<T> main = new OrDoneMain<>(actual);
		actual.onSubscribe(main);
		done.subscribe(new OrDoneOther(main));
		if (main.terminated == 0) {
			source.subscribe(main);
		}
	}

	/*
	 * State machine: TERMINATED goes 0 -> 1 once, by whichever ends the sequence first: the
	 * source's completion or error, the done-signal firing or failing, a cancel, or a bad request.
	 * The winner cancels the other side and (unless it is a cancel) signals downstream. Downstream
	 * got its Subscription before either side was subscribed, so requests made before the source
	 * arrives are held by the deferred subscription and passed on when it does.
	 * The done-signal may fire on another thread while a value is being emitted: EMITTING is held
	 * around each onNext, and a terminal signal that finds it held is left for the emitter to
	 * deliver when it lets go (a half serializer: values come from one thread, the end from any).
	 */
	static final class OrDoneMain<T> extends Operators.DeferredSubscription implements CoreSubscriber<T> {

		final CoreSubscriber<? super T> actual;

		volatile Subscription other;
		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<OrDoneMain, Subscription> OTHER =
				AtomicReferenceFieldUpdater.newUpdater(OrDoneMain.class, Subscription.class, "other");

		volatile int terminated;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<OrDoneMain> TERMINATED =
				AtomicIntegerFieldUpdater.newUpdater(OrDoneMain.class, "terminated");

		volatile int emitting;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<OrDoneMain> EMITTING =
				AtomicIntegerFieldUpdater.newUpdater(OrDoneMain.class, "emitting");

		// Written before the terminal signal is offered through EMITTING; null means completion.
		Throwable error;

		OrDoneMain(CoreSubscriber<? super T> actual) {
			this.actual = actual;
		}

		@Override
		public Context currentContext() {
			return actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			set(s);
		}

		@Override
		public void onNext(T t) {
			if (terminated != 0) {
				Operators.onNextDropped(t, actual.currentContext());
				return;
			}
			if (EMITTING.compareAndSet(this, 0, 1)) {
				actual.onNext(t);
				if (EMITTING.decrementAndGet(this) != 0) {
					deliverEnd();
				}
			}
			else {
				Operators.onDiscard(t, actual.currentContext());
			}
		}

		@Override
		public void onError(Throwable t) {
			if (TERMINATED.compareAndSet(this, 0, 1)) {
				Operators.terminate(OTHER, this);
				end(t);
			}
			else {
				Operators.onErrorDropped(t, actual.currentContext());
			}
		}

		@Override
		public void onComplete() {
			if (TERMINATED.compareAndSet(this, 0, 1)) {
				Operators.terminate(OTHER, this);
				end(null);
			}
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				if (TERMINATED.compareAndSet(this, 0, 1)) {
					cancelBoth();
					end(Exceptions.nullOrNegativeRequestException(n));
				}
				return;
			}
			super.request(n);
		}

		private void end(Throwable e) {
			error = e;
			if (EMITTING.getAndIncrement(this) == 0) {
				deliverEnd();
			}
		}

		private void deliverEnd() {
			Throwable e = error;
			if (e != null) {
				actual.onError(e);
			}
			else {
				actual.onComplete();
			}
		}

		@Override
		public void cancel() {
			if (TERMINATED.compareAndSet(this, 0, 1)) {
				cancelBoth();
			}
		}

		void otherFired() {
			if (TERMINATED.compareAndSet(this, 0, 1)) {
				super.cancel();
				end(null);
			}
		}

		void otherFailed(Throwable t) {
			if (TERMINATED.compareAndSet(this, 0, 1)) {
				super.cancel();
				end(t);
			}
			else {
				Operators.onErrorDropped(t, actual.currentContext());
			}
		}

		private void cancelBoth() {
			super.cancel();
			Operators.terminate(OTHER, this);
		}
	}

	static final class OrDoneOther implements CoreSubscriber<Object> {

		final OrDoneMain<?> main;

		boolean fired;

		OrDoneOther(OrDoneMain<?> main) {
			this.main = main;
		}

		@Override
		public Context currentContext() {
			return main.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.setOnce(OrDoneMain.OTHER, main, s)) {
				s.request(1);
			}
		}

		@Override
		public void onNext(Object t) {
			Operators.onDiscard(t, currentContext());
			if (fired) {
				return;
			}
			fired = true;
			Operators.terminate(OrDoneMain.OTHER, main);
			main.otherFired();
		}

		@Override
		public void onError(Throwable t) {
			if (fired) {
				Operators.onErrorDropped(t, currentContext());
				return;
			}
			fired = true;
			main.otherFailed(t);
		}

		@Override
		public void onComplete() {
			if (fired) {
				return;
			}
			fired = true;
			main.otherFired();
		}
	}
}
