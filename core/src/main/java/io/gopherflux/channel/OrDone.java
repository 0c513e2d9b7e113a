package io.gopherflux.channel;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Function;
import java.util.stream.Stream;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
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
 * <li><b>Cancellation</b>: cancels both the source and the done-signal. A value the source
 * delivers after it was cancelled (a value in flight) is discarded ({@code Operators.onDiscard}).</li>
 * <li><b>Bad requests</b> ({@code n <= 0}) cancel both and fail the sequence with an
 * {@link IllegalArgumentException} (rule 3.9), whatever the source does with them.</li>
 * </ul>
 * Reactor's {@code takeUntilOther} is the nearest operator, and like this one it subscribes the
 * done-signal first and stops on a done-signal that emits or completes empty (a closed Go
 * channel). The difference is what happens when the done-signal has already fired by the time it
 * is subscribed (a closed channel, {@code Mono.empty()}, a cached signal): {@code takeUntilOther}
 * still subscribes the source and cancels it at once, so whatever the source starts on
 * subscription (a request, a query, a timer) starts for nothing; {@code OrDone} never subscribes
 * the source at all. A plain {@link Publisher} done-signal is adapted with {@code Flux.from}, and
 * both factories pass through {@code Flux.onAssembly}, so assembly hooks see the operator.
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
		Publisher<?> signal = Operators.toFluxOrMono(done);
		return source -> onAssembly(new OrDone<>(source, signal));
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
		return onAssembly(new OrDone<>(Flux.from(source), Operators.toFluxOrMono(done)));
	}

	@Override
	public void subscribe(CoreSubscriber<? super T> actual) {
		OrDoneMain<T> main = new OrDoneMain<>(actual);
		actual.onSubscribe(main);
		done.subscribe(main.other);
		if (main.terminated == OrDoneMain.ACTIVE) {
			source.subscribe(main);
		}
	}

	@Override
	public Object scanUnsafe(Attr key) {
		if (key == Attr.RUN_STYLE) {
			return Attr.RunStyle.SYNC;
		}
		return super.scanUnsafe(key);
	}

	/*
	 * State machine: TERMINATED goes from ACTIVE to one of three end states once, by whichever
	 * ends the sequence first: SOURCE_ENDED by the source's completion or error, STOPPED by the
	 * done-signal firing or failing or by a bad request, CANCELLED by a cancel. The winner cancels
	 * the other side and (unless it is a cancel) signals downstream. A value arriving after
	 * SOURCE_ENDED breaks the protocol and is dropped (onNextDropped); one arriving after STOPPED
	 * or CANCELLED was in flight when the source was cancelled and is discarded.
	 * Downstream got its Subscription before either side was subscribed, so requests made before
	 * the source arrives are held by the deferred subscription and passed on when it does.
	 * The done-signal may fire on another thread while a value is being emitted: EMITTING is held
	 * around each onNext, and a terminal signal that finds it held is left for the emitter to
	 * deliver when it lets go (a half serializer: values come from one thread, the end from any).
	 */
	static final class OrDoneMain<T> extends Operators.DeferredSubscription
			implements CoreSubscriber<T>, Scannable {

		static final int ACTIVE = 0;
		static final int SOURCE_ENDED = 1;
		static final int STOPPED = 2;
		static final int CANCELLED = 3;

		final CoreSubscriber<? super T> actual;
		final OrDoneOther other;

		volatile Subscription otherSubscription;

		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<OrDoneMain, Subscription> OTHER =
				AtomicReferenceFieldUpdater.newUpdater(OrDoneMain.class, Subscription.class, "otherSubscription");

		volatile int terminated;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<OrDoneMain> TERMINATED =
				AtomicIntegerFieldUpdater.newUpdater(OrDoneMain.class, "terminated");

		volatile int emitting;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<OrDoneMain> EMITTING =
				AtomicIntegerFieldUpdater.newUpdater(OrDoneMain.class, "emitting");

		// Downstream demand, kept for scanning only: the deferred subscription passes it on.
		volatile long requested;
		@SuppressWarnings("rawtypes")
		static final AtomicLongFieldUpdater<OrDoneMain> REQUESTED =
				AtomicLongFieldUpdater.newUpdater(OrDoneMain.class, "requested");

		// Written by the source's onNext only.
		long produced;

		// Written before the terminal signal is offered through EMITTING; null means completion.
		Throwable error;

		OrDoneMain(CoreSubscriber<? super T> actual) {
			this.actual = actual;
			this.other = new OrDoneOther(this);
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
			int state = terminated;
			if (state != ACTIVE) {
				if (state == SOURCE_ENDED) {
					Operators.onNextDropped(t, actual.currentContext());
				}
				else {
					Operators.onDiscard(t, actual.currentContext());
				}
				return;
			}
			if (EMITTING.compareAndSet(this, 0, 1)) {
				produced++;
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
			if (TERMINATED.compareAndSet(this, ACTIVE, SOURCE_ENDED)) {
				Operators.terminate(OTHER, this);
				end(t);
			}
			else {
				Operators.onErrorDropped(t, actual.currentContext());
			}
		}

		@Override
		public void onComplete() {
			if (TERMINATED.compareAndSet(this, ACTIVE, SOURCE_ENDED)) {
				Operators.terminate(OTHER, this);
				end(null);
			}
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				if (TERMINATED.compareAndSet(this, ACTIVE, STOPPED)) {
					cancelBoth();
					end(Exceptions.nullOrNegativeRequestException(n));
				}
				return;
			}
			Operators.addCap(REQUESTED, this, n);
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
			if (TERMINATED.compareAndSet(this, ACTIVE, CANCELLED)) {
				cancelBoth();
			}
		}

		void otherFired() {
			if (TERMINATED.compareAndSet(this, ACTIVE, STOPPED)) {
				super.cancel();
				end(null);
			}
		}

		void otherFailed(Throwable t) {
			if (TERMINATED.compareAndSet(this, ACTIVE, STOPPED)) {
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

		@Override
		public Object scanUnsafe(Attr key) {
			if (key == Attr.ACTUAL) {
				return actual;
			}
			if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
				long r = requested;
				return r == Long.MAX_VALUE ? r : r - produced;
			}
			if (key == Attr.CANCELLED) {
				return terminated == CANCELLED;
			}
			if (key == Attr.TERMINATED) {
				int state = terminated;
				return state == SOURCE_ENDED || state == STOPPED;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			// PARENT: the source's subscription, held by the deferred subscription.
			return super.scanUnsafe(key);
		}

		@Override
		public Stream<? extends Scannable> inners() {
			return Stream.of(other);
		}
	}

	static final class OrDoneOther implements CoreSubscriber<Object>, Scannable {

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

		@Override
		public Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return main.otherSubscription;
			}
			if (key == Attr.ACTUAL) {
				return main;
			}
			if (key == Attr.CANCELLED) {
				return !fired && main.otherSubscription == Operators.cancelledSubscription();
			}
			if (key == Attr.TERMINATED) {
				return fired;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}
	}
}
