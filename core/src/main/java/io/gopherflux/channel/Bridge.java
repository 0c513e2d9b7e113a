package io.gopherflux.channel;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.stream.Stream;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Fuseable;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * The bridge-channel: flattens a sequence of Publishers into one Flux, in order.
 * <p>
 * Each inner Publisher is subscribed only after the previous one has completed, and its values
 * are emitted as they come, so the output is the concatenation of the inners. Downstream demand
 * carries over from one inner to the next: what one inner did not use is requested from the
 * following one. The outer Publisher is asked for at most {@code prefetch} inners ahead, so a
 * producer of Publishers (a steward starting wards, for example) is never pulled faster than its
 * inners are consumed.
 * <p>
 * <b>Completion</b>: when the outer has completed and the last inner has completed.
 * <b>Errors</b>: an inner's error is emitted at once and cancels the outer; an error from the
 * outer is emitted at the next boundary, when the current inner (if any) has completed, and the
 * inners still queued are discarded without being subscribed.
 * <b>Cancellation</b>: cancels the current inner and the outer (once) and discards the queued
 * inners ({@code Operators.onDiscard}: the inner Publishers themselves, never subscribed), as it
 * discards a value the current inner delivers after the cancel. A bad request ({@code n <= 0})
 * counts as a cancellation and then signals an {@link IllegalArgumentException}.
 * <p>
 * Reactor's {@code Flux.concat(Publisher)} has close semantics; this one keeps emission free of
 * per-element serialization (terminal signals are only emitted between inners) and lets the
 * prefetch of the outer go down to one. Constant inners ({@code Mono.just}, {@code Flux.empty})
 * are read without being subscribed, as concat does; a plain {@link Publisher} inner or outer
 * (neither Flux nor Mono) is adapted with {@code Flux.from}. The returned Flux passes through
 * {@code Flux.onAssembly}, so assembly hooks ({@code Hooks.onOperatorDebug()},
 * {@code Hooks.onEachOperator}) see it.
 *
 * @param <T> the type of the values
 */
public final class Bridge<T> extends Flux<T> implements Scannable {

	/** How many inners are requested ahead by default: one, as the book's bridge reads them. */
	public static final int DEFAULT_PREFETCH = 1;

	private final Publisher<? extends Publisher<? extends T>> sources;
	private final int prefetch;

	private Bridge(Publisher<? extends Publisher<? extends T>> sources, int prefetch) {
		this.sources = sources;
		this.prefetch = prefetch;
	}

	/**
	 * Flattens {@code sources} in order, asking the outer for one inner at a time.
	 *
	 * @param sources the Publisher of inner Publishers
	 * @param <T>     the type of the values
	 * @return a Flux of every inner's values, inner after inner
	 */
	public static <T> Flux<T> of(Publisher<? extends Publisher<? extends T>> sources) {
		return of(sources, DEFAULT_PREFETCH);
	}

	/**
	 * Flattens {@code sources} in order, asking the outer for up to {@code prefetch} inners ahead.
	 *
	 * @param sources  the Publisher of inner Publishers
	 * @param prefetch how many inners may wait, not yet subscribed; at least 1
	 * @param <T>      the type of the values
	 * @return a Flux of every inner's values, inner after inner
	 */
	public static <T> Flux<T> of(Publisher<? extends Publisher<? extends T>> sources, int prefetch) {
		Objects.requireNonNull(sources, "sources");
		if (prefetch < 1) {
			throw new IllegalArgumentException("prefetch must be at least 1, was " + prefetch);
		}
		return onAssembly(new Bridge<>(Operators.toFluxOrMono(sources), prefetch));
	}

	@Override
	public void subscribe(CoreSubscriber<? super T> actual) {
		sources.subscribe(new BridgeMain<>(actual, prefetch));
	}

	@Override
	public int getPrefetch() {
		return prefetch;
	}

	@Override
	public Object scanUnsafe(Attr key) {
		if (key == Attr.PARENT) {
			return sources;
		}
		if (key == Attr.PREFETCH) {
			return prefetch;
		}
		if (key == Attr.RUN_STYLE) {
			return Attr.RunStyle.SYNC;
		}
		return null;
	}

	/*
	 * State machine, all of it advanced by drain() under the WIP counter:
	 * - no current inner: take the next queued inner and subscribe it; if none and the outer is
	 *   done, emit the outer's error or completion;
	 * - current inner subscribed: forward the demand not yet forwarded (requested - forwarded);
	 * - current inner done: its unused demand is void, so forwarded drops back to produced.
	 * Only the current inner emits values, and terminal signals are emitted by drain() only while
	 * no inner is active, so no serialization is needed on the value path.
	 * The outer subscription is cancelled through OUTER (swapped for the cancelled marker), so a
	 * cancel, a bad request and an inner's error together cancel it once.
	 */
	static final class BridgeMain<T> implements CoreSubscriber<Publisher<? extends T>>, Subscription, Scannable {

		final CoreSubscriber<? super T> actual;
		final int prefetch;
		final int limit;
		final Queue<Publisher<? extends T>> queue;

		volatile Subscription outer;
		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<BridgeMain, Subscription> OUTER =
				AtomicReferenceFieldUpdater.newUpdater(BridgeMain.class, Subscription.class, "outer");

		volatile boolean outerDone;
		Throwable outerError;

		volatile boolean cancelled;
		Throwable badRequest;

		volatile Throwable innerError;

		volatile long requested;
		static final AtomicLongFieldUpdater<BridgeMain> REQUESTED =
				AtomicLongFieldUpdater.newUpdater(BridgeMain.class, "requested");

		volatile int wip;
		static final AtomicIntegerFieldUpdater<BridgeMain> WIP =
				AtomicIntegerFieldUpdater.newUpdater(BridgeMain.class, "wip");

		// Written by drain() only; read by cancel() to stop a synchronous inner at once.
		volatile BridgeInner<T> current;

		// The thread running the drain loop, so that its own synchronous callbacks (an inner that
		// subscribes, emits or completes inside subscribe or request) only mark another pass
		// instead of paying for the WIP counter. Another thread never reads its own Thread here
		// unless it wrote it, so a stale read only sends it the slow way.
		Thread owner;
		boolean again;

		// Owned by drain() (signalled is read by scans as well).
		T pendingScalar;
		long forwarded;
		int consumed;
		boolean terminated;
		boolean signalled;

		// Written by the current inner only; read by drain() after the inner is done.
		long produced;

		BridgeMain(CoreSubscriber<? super T> actual, int prefetch) {
			this.actual = actual;
			this.prefetch = prefetch;
			this.limit = prefetch == 1 ? 1 : prefetch - (prefetch >> 2);
			this.queue = Queues.<Publisher<? extends T>>get(prefetch).get();
		}

		@Override
		public Context currentContext() {
			return actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.validate(outer, s)) {
				outer = s;
				actual.onSubscribe(this);
				if (!cancelled) {
					s.request(prefetch);
				}
			}
		}

		@Override
		public void onNext(Publisher<? extends T> p) {
			if (outerDone) {
				Operators.onNextDropped(p, actual.currentContext());
				return;
			}
			if (p == null) {
				Operators.terminate(OUTER, this);
				onError(new NullPointerException("sources emitted a null Publisher"));
				return;
			}
			if (!queue.offer(p)) {
				Operators.terminate(OUTER, this);
				Operators.onDiscard(p, actual.currentContext());
				onError(Operators.onOperatorError(null,
						Exceptions.failWithOverflow("sources emitted more than the " + prefetch + " requested"),
						p, actual.currentContext()));
				return;
			}
			drain();
		}

		@Override
		public void onError(Throwable t) {
			if (outerDone) {
				Operators.onErrorDropped(t, actual.currentContext());
				return;
			}
			outerError = t;
			outerDone = true;
			drain();
		}

		@Override
		public void onComplete() {
			if (outerDone) {
				return;
			}
			outerDone = true;
			drain();
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				// Rule 3.9: the bad request ends the subscription with an error.
				badRequest = Exceptions.nullOrNegativeRequestException(n);
				cancel();
				return;
			}
			Operators.addCap(REQUESTED, this, n);
			drain();
		}

		@Override
		public void cancel() {
			if (cancelled) {
				return;
			}
			cancelled = true;
			// Cancelled here rather than only in drain(): a synchronous inner may be emitting
			// inside drain's request call right now, and only a cancel can stop it.
			Operators.terminate(OUTER, this);
			BridgeInner<T> inner = current;
			if (inner != null) {
				inner.cancel();
			}
			drain();
		}

		void innerError(Throwable t) {
			innerError = t;
			drain();
		}

		void drain() {
			if (owner == Thread.currentThread()) {
				// Called back synchronously from inside this thread's own drain loop.
				again = true;
				return;
			}
			if (WIP.getAndIncrement(this) != 0) {
				return;
			}
			int missed = 1;
			for (;;) {
				owner = Thread.currentThread();
				boolean ended;
				do {
					again = false;
					ended = step();
				}
				while (again && !ended);
				owner = null;
				missed = WIP.addAndGet(this, -missed);
				if (missed == 0) {
					return;
				}
			}
		}

		/**
		 * One pass of the state machine; true once the sequence has ended. WIP is released after
		 * the end as well, so that a pass made for a late signal discards what it brought.
		 */
		private boolean step() {
			if (terminated) {
				// An inner the outer delivered after the end (it was in flight) is discarded.
				if (!queue.isEmpty()) {
					Operators.onDiscardQueueWithClear(queue, actual.currentContext(), null);
				}
				return true;
			}
			if (cancelled) {
				terminated = true;
				cancelAll();
				if (badRequest != null) {
					signalled = true;
					actual.onError(badRequest);
				}
				return true;
			}
			Throwable ie = innerError;
			if (ie != null) {
				terminated = true;
				cancelAll();
				signalled = true;
				actual.onError(ie);
				return true;
			}

			T scalar = pendingScalar;
			if (scalar != null) {
				if (requested == produced) {
					return false;
				}
				pendingScalar = null;
				emitScalar(scalar);
			}

			BridgeInner<T> inner = current;
			if (inner != null && inner.done) {
				current = null;
				inner = null;
				forwarded = produced;
			}
			if (inner == null) {
				boolean d = outerDone;
				if (d && outerError != null) {
					terminated = true;
					Operators.onDiscardQueueWithClear(queue, actual.currentContext(), null);
					signalled = true;
					actual.onError(outerError);
					return true;
				}
				Publisher<? extends T> next = queue.poll();
				if (next == null) {
					if (d) {
						terminated = true;
						signalled = true;
						actual.onComplete();
						return true;
					}
				}
				else if (next instanceof Fuseable.ScalarCallable) {
					// A constant inner (Mono.just, Flux.empty...): emitted here, nothing to subscribe.
					replenish();
					T value;
					try {
						@SuppressWarnings("unchecked")
						T v = ((Fuseable.ScalarCallable<T>) next).call();
						value = v;
					}
					catch (Throwable e) {
						innerError = Operators.onOperatorError(e, actual.currentContext());
						again = true;
						return false;
					}
					if (value != null) {
						if (requested == produced) {
							pendingScalar = value;
							return false;
						}
						emitScalar(value);
					}
					again = true;
				}
				else {
					replenish();
					inner = new BridgeInner<>(this);
					current = inner;
					Operators.toFluxOrMono(next).subscribe(inner);
					// The inner may have completed, failed or subscribed synchronously: look again.
					again = true;
				}
			}
			else {
				Subscription s = inner.s;
				if (s != null && s != Operators.cancelledSubscription()) {
					long r = requested;
					if (r != forwarded) {
						long delta = r == Long.MAX_VALUE ? Long.MAX_VALUE : r - forwarded;
						forwarded = r;
						s.request(delta);
					}
				}
			}
			return false;
		}

		private void emitScalar(T value) {
			produced++;
			forwarded = produced;
			actual.onNext(value);
		}

		private void replenish() {
			if (++consumed == limit) {
				consumed = 0;
				// After a cancel this is the cancelled marker, whose request does nothing.
				outer.request(limit);
			}
		}

		private void cancelAll() {
			Operators.terminate(OUTER, this);
			BridgeInner<T> inner = current;
			current = null;
			if (inner != null) {
				inner.cancel();
			}
			Context ctx = actual.currentContext();
			T scalar = pendingScalar;
			if (scalar != null) {
				pendingScalar = null;
				Operators.onDiscard(scalar, ctx);
			}
			Operators.onDiscardQueueWithClear(queue, ctx, null);
		}

		@Override
		public Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return outer;
			}
			if (key == Attr.ACTUAL) {
				return actual;
			}
			if (key == Attr.PREFETCH) {
				return prefetch;
			}
			if (key == Attr.BUFFERED) {
				return queue.size() + (pendingScalar != null ? 1 : 0);
			}
			if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
				long r = requested;
				return r == Long.MAX_VALUE ? r : r - produced;
			}
			if (key == Attr.CANCELLED) {
				return cancelled;
			}
			if (key == Attr.TERMINATED) {
				return signalled;
			}
			if (key == Attr.ERROR) {
				Throwable e = innerError;
				return e != null ? e : outerError;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}

		@Override
		public Stream<? extends Scannable> inners() {
			BridgeInner<T> inner = current;
			return inner != null ? Stream.of(inner) : Stream.empty();
		}
	}

	static final class BridgeInner<T> implements CoreSubscriber<T>, Scannable {

		final BridgeMain<T> parent;

		volatile Subscription s;
		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<BridgeInner, Subscription> S =
				AtomicReferenceFieldUpdater.newUpdater(BridgeInner.class, Subscription.class, "s");

		volatile boolean done;

		BridgeInner(BridgeMain<T> parent) {
			this.parent = parent;
		}

		@Override
		public Context currentContext() {
			return parent.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.setOnce(S, this, s)) {
				parent.drain();
			}
		}

		@Override
		public void onNext(T t) {
			if (done) {
				Operators.onNextDropped(t, currentContext());
				return;
			}
			BridgeMain<T> p = parent;
			if (p.cancelled) {
				// In flight when the bridge was cancelled.
				Operators.onDiscard(t, currentContext());
				return;
			}
			p.produced++;
			p.actual.onNext(t);
		}

		@Override
		public void onError(Throwable t) {
			if (done) {
				Operators.onErrorDropped(t, currentContext());
				return;
			}
			done = true;
			parent.innerError(t);
		}

		@Override
		public void onComplete() {
			if (done) {
				return;
			}
			done = true;
			parent.drain();
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
				return !done && s == Operators.cancelledSubscription();
			}
			if (key == Attr.TERMINATED) {
				return done;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}
	}
}
