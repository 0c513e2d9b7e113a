package io.gopherflux.channel;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.stream.Stream;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * The tee-channel: one source split into two branches that receive the same values in lockstep.
 * <p>
 * Like writing to two unbuffered Go channels, a value reaches both branches before the source
 * is asked for a value neither of them has room for: upstream is only ever asked for the
 * minimum of what the two branches have requested, so every value arrives when both can take
 * it and nothing is buffered, ever. A slow branch therefore holds the fast one back. Reactor's
 * {@code publish()} is lockstep only within its prefetch window; this has no window.
 * <ul>
 * <li><b>Subscription</b>: each branch takes one subscriber (a second one is refused with an
 * {@link IllegalStateException}); the source is subscribed once, when both branches have
 * subscribed. A Tee is for one run: split again for another.</li>
 * <li><b>Completion and errors</b> of the source reach both branches.</li>
 * <li><b>Cancellation</b> by one branch follows the {@link WhenOneCancels} policy: by default the
 * other branch keeps receiving, alone setting the pace; with {@link WhenOneCancels#CANCEL_BOTH}
 * the source is cancelled and the other branch completes, as closing Go's done channel ends
 * both outputs. When both branches have cancelled, the source is cancelled. A value that reaches
 * no branch (in flight when the source was cancelled) is discarded ({@code Operators.onDiscard}).</li>
 * <li><b>Bad requests</b> (n &lt;= 0) fail that branch with an {@link IllegalArgumentException}
 * and count as its cancellation.</li>
 * <li><b>Threads</b>: values are emitted on the source's thread; the source is asked for more
 * from within a branch's {@code request}, so a synchronous source emits on the requesting
 * thread. A {@code cancel()} never asks the source for anything (rule 3.5: it must return
 * promptly, and a synchronous endless source would keep it emitting for the other branch
 * forever). When a cancellation with {@link WhenOneCancels#KEEP_OTHER} leaves the other branch
 * with demand the source has not been asked for yet, that demand is requested from the hand-off
 * {@link Scheduler} ({@link Schedulers#boundedElastic()} unless given), so from then on a
 * synchronous source emits on that scheduler's thread; if another thread is already asking the
 * source for more at that moment, that thread takes the demand over instead.</li>
 * <li><b>Context</b>: the source sees both branches' {@link Context}s merged; where both hold
 * the same key, the first branch's value wins.</li>
 * </ul>
 * The source, if a plain {@link Publisher}, is adapted with {@code Flux.from}, and both branches
 * pass through {@code Flux.onAssembly}, so assembly hooks ({@code Hooks.onOperatorDebug()},
 * {@code Hooks.onEachOperator}) see them.
 *
 * @param <T> the type of the values
 */
public final class Tee<T> {

	/** What happens to the other branch when one branch cancels. */
	public enum WhenOneCancels {
		/** The other branch keeps receiving; the source is cancelled when both have cancelled. */
		KEEP_OTHER,
		/** The source is cancelled at once and the other branch completes. */
		CANCEL_BOTH
	}

	private final Flux<T> first;
	private final Flux<T> second;

	private Tee(Publisher<? extends T> source, WhenOneCancels policy, Scheduler handOff) {
		TeeMain<T> main = new TeeMain<>(source, policy, handOff);
		this.first = TeeBranch.assemble(new TeeBranch<>(main, 0));
		this.second = TeeBranch.assemble(new TeeBranch<>(main, 1));
	}

	/**
	 * Splits {@code source} into two lockstep branches; a branch that cancels leaves the other
	 * one running.
	 *
	 * @param source the values to split
	 * @param <T>    the type of the values
	 * @return the pair of branches
	 */
	public static <T> Tee<T> split(Publisher<? extends T> source) {
		return split(source, WhenOneCancels.KEEP_OTHER);
	}

	/**
	 * Splits {@code source} into two lockstep branches; the demand a cancelled branch leaves to
	 * the other one is requested from {@link Schedulers#boundedElastic()}.
	 *
	 * @param source the values to split
	 * @param policy what a branch's cancellation does to the other branch
	 * @param <T>    the type of the values
	 * @return the pair of branches
	 */
	public static <T> Tee<T> split(Publisher<? extends T> source, WhenOneCancels policy) {
		Objects.requireNonNull(source, "source");
		Objects.requireNonNull(policy, "policy");
		return new Tee<>(source, policy, Schedulers.boundedElastic());
	}

	/**
	 * Splits {@code source} into two lockstep branches.
	 *
	 * @param source    the values to split
	 * @param policy    what a branch's cancellation does to the other branch
	 * @param scheduler where the demand a cancelled branch leaves to the other one is requested
	 *                  from the source when no request is under way (see the class comment);
	 *                  with a synchronous source, the other branch's values are then emitted there
	 * @param <T>       the type of the values
	 * @return the pair of branches
	 */
	public static <T> Tee<T> split(Publisher<? extends T> source, WhenOneCancels policy, Scheduler scheduler) {
		Objects.requireNonNull(source, "source");
		Objects.requireNonNull(policy, "policy");
		Objects.requireNonNull(scheduler, "scheduler");
		return new Tee<>(source, policy, scheduler);
	}

	/**
	 * The first branch (the book's {@code out1}).
	 *
	 * @return the branch; it accepts one subscriber
	 */
	public Flux<T> first() {
		return first;
	}

	/**
	 * The second branch (the book's {@code out2}).
	 *
	 * @return the branch; it accepts one subscriber
	 */
	public Flux<T> second() {
		return second;
	}

	static final class TeeBranch<T> extends Flux<T> implements Scannable {

		final TeeMain<T> main;
		final int index;

		TeeBranch(TeeMain<T> main, int index) {
			this.main = main;
			this.index = index;
		}

		static <T> Flux<T> assemble(TeeBranch<T> branch) {
			return onAssembly(branch);
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			main.add(actual, index);
		}

		@Override
		public Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return main.source;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}
	}

	/*
	 * State machine:
	 * - each branch is claimed once (a second subscriber is refused) and its slot is filled after
	 *   its onSubscribe; SUBSCRIBED counts the filled slots and the one that makes it two merges
	 *   the branches' contexts and subscribes the source;
	 * - the drain loop, under WIP, is the only caller of request on the source: it requests
	 *   min(demand of the live branches) - requestedUpstream, where a cancelled branch has
	 *   unbounded demand; the source is cancelled as soon as both branches are gone or STOP is set;
	 * - a branch's cancel enters the loop as a canceller, which never requests: if it finds demand
	 *   to forward, it hands the loop, WIP still held, to a task on the hand-off scheduler, which
	 *   goes on as a requester; requests meanwhile only add to WIP and are served by that task;
	 * - values and terminal signals go straight from the source to the live branches: the demand
	 *   rule guarantees both can take every value, so there is no queue.
	 * With CANCEL_BOTH the other branch must be completed from the cancelling thread; EMITTING
	 * (taken around every delivery in that mode only) keeps that completion from overlapping a
	 * value in flight: whoever leaves EMITTING non-zero behind delivers the completion.
	 */
	static final class TeeMain<T> implements CoreSubscriber<T>, Scannable {

		final Publisher<? extends T> source;
		final WhenOneCancels policy;
		final Scheduler handOff;

		// Both branches' contexts, merged once before the source is subscribed.
		volatile Context context;

		volatile BranchSubscription<T> first;
		volatile BranchSubscription<T> second;

		volatile int claimedFirst;
		volatile int claimedSecond;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<TeeMain> CLAIMED_FIRST =
				AtomicIntegerFieldUpdater.newUpdater(TeeMain.class, "claimedFirst");
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<TeeMain> CLAIMED_SECOND =
				AtomicIntegerFieldUpdater.newUpdater(TeeMain.class, "claimedSecond");

		volatile int subscribed;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<TeeMain> SUBSCRIBED =
				AtomicIntegerFieldUpdater.newUpdater(TeeMain.class, "subscribed");

		volatile Subscription upstream;
		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<TeeMain, Subscription> UPSTREAM =
				AtomicReferenceFieldUpdater.newUpdater(TeeMain.class, Subscription.class, "upstream");

		volatile int wip;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<TeeMain> WIP =
				AtomicIntegerFieldUpdater.newUpdater(TeeMain.class, "wip");

		volatile int emitting;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<TeeMain> EMITTING =
				AtomicIntegerFieldUpdater.newUpdater(TeeMain.class, "emitting");

		volatile boolean stop;
		boolean done;

		// Owned by the drain loop.
		long requestedUpstream;

		// Written by the source's onNext only: every value goes to both branches (or none).
		long received;

		TeeMain(Publisher<? extends T> source, WhenOneCancels policy, Scheduler handOff) {
			this.source = Operators.toFluxOrMono(source);
			this.policy = policy;
			this.handOff = handOff;
		}

		void add(CoreSubscriber<? super T> actual, int index) {
			@SuppressWarnings("rawtypes")
			AtomicIntegerFieldUpdater<TeeMain> claim = index == 0 ? CLAIMED_FIRST : CLAIMED_SECOND;
			if (!claim.compareAndSet(this, 0, 1)) {
				Operators.error(actual, new IllegalStateException(
						"Tee's " + (index == 0 ? "first" : "second") + " branch allows only one subscriber"));
				return;
			}
			BranchSubscription<T> branch = new BranchSubscription<>(actual, this);
			actual.onSubscribe(branch);
			// Published only after onSubscribe, so nothing can signal the branch before it.
			if (index == 0) {
				first = branch;
			}
			else {
				second = branch;
			}
			if (stop) {
				// CANCEL_BOTH already fired: this branch is over before it began.
				branch.complete();
				return;
			}
			if (SUBSCRIBED.incrementAndGet(this) == 2 && !(gone(first) && gone(second))) {
				Context a = first.context;
				Context b = second.context;
				// The first branch's entries are put last, so they win a clash.
				context = b.isEmpty() ? a : a.isEmpty() ? b : b.putAll(a.readOnly());
				source.subscribe(this);
			}
		}

		@Override
		public Context currentContext() {
			Context c = context;
			return c != null ? c : Context.empty();
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.setOnce(UPSTREAM, this, s)) {
				drain();
			}
		}

		@Override
		public void onNext(T t) {
			if (done) {
				Operators.onNextDropped(t, currentContext());
				return;
			}
			received++;
			if (policy == WhenOneCancels.CANCEL_BOTH) {
				if (EMITTING.getAndIncrement(this) != 0) {
					// The branches are being completed: the value is too late for both.
					Operators.onDiscard(t, currentContext());
					return;
				}
				deliver(t);
				if (EMITTING.decrementAndGet(this) != 0) {
					completeBoth();
				}
				return;
			}
			deliver(t);
		}

		private void deliver(T t) {
			boolean taken = first.next(t);
			if (!second.next(t) && !taken) {
				Operators.onDiscard(t, currentContext());
			}
		}

		@Override
		public void onError(Throwable t) {
			if (done) {
				Operators.onErrorDropped(t, currentContext());
				return;
			}
			done = true;
			if (policy == WhenOneCancels.CANCEL_BOTH && EMITTING.getAndIncrement(this) != 0) {
				return;
			}
			first.error(t);
			second.error(t);
		}

		@Override
		public void onComplete() {
			if (done) {
				return;
			}
			done = true;
			if (policy == WhenOneCancels.CANCEL_BOTH && EMITTING.getAndIncrement(this) != 0) {
				return;
			}
			first.complete();
			second.complete();
		}

		void branchCancelled() {
			if (policy == WhenOneCancels.CANCEL_BOTH && !stop) {
				stop = true;
				if (EMITTING.getAndIncrement(this) == 0) {
					completeBoth();
				}
			}
			// Cancelled here rather than in the drain loop: a synchronous source may be emitting
			// inside the loop's request call right now, and only a cancel can stop it.
			if (stop || (gone(first) && gone(second))) {
				Operators.terminate(UPSTREAM, this);
			}
			else if (WIP.getAndIncrement(this) == 0) {
				drainLoop(1, false);
			}
		}

		private void completeBoth() {
			BranchSubscription<T> a = first;
			BranchSubscription<T> b = second;
			if (a != null) {
				a.complete();
			}
			if (b != null) {
				b.complete();
			}
		}

		void drain() {
			if (WIP.getAndIncrement(this) == 0) {
				drainLoop(1, true);
			}
		}

		/**
		 * The loop that forwards demand, entered with WIP held. A canceller ({@code mayRequest}
		 * false) that finds demand to forward hands the loop over instead of requesting itself.
		 */
		void drainLoop(int missed, boolean mayRequest) {
			for (;;) {
				Subscription s = upstream;
				if (s != null && s != Operators.cancelledSubscription()) {
					long target = Math.min(demand(first), demand(second));
					long r = requestedUpstream;
					if (target > r) {
						if (!mayRequest) {
							handOff(missed);
							return;
						}
						requestedUpstream = target;
						s.request(target == Long.MAX_VALUE ? Long.MAX_VALUE : target - r);
					}
				}
				missed = WIP.addAndGet(this, -missed);
				if (missed == 0) {
					return;
				}
			}
		}

		private void handOff(int missed) {
			try {
				handOff.schedule(() -> drainLoop(missed, true));
			}
			catch (RejectedExecutionException e) {
				// A disposed scheduler: better to emit here than to leave the other branch stalled.
				drainLoop(missed, true);
			}
		}

		@Override
		public Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return upstream;
			}
			if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
				long r = requestedUpstream;
				return r == Long.MAX_VALUE ? r : r - received;
			}
			if (key == Attr.CANCELLED) {
				return upstream == Operators.cancelledSubscription();
			}
			if (key == Attr.TERMINATED) {
				return done;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}

		@Override
		public Stream<? extends Scannable> inners() {
			BranchSubscription<T> a = first;
			BranchSubscription<T> b = second;
			return a == null ? Stream.ofNullable(b) : b == null ? Stream.of(a) : Stream.of(a, b);
		}

		private static boolean gone(BranchSubscription<?> b) {
			return b != null && b.cancelled;
		}

		private static long demand(BranchSubscription<?> b) {
			if (b == null) {
				return 0L;
			}
			return b.cancelled ? Long.MAX_VALUE : b.requested;
		}
	}

	static final class BranchSubscription<T> implements Subscription, Scannable {

		final TeeMain<T> main;
		final Context context;

		// Dropped on cancel and on termination so a finished subscriber can be collected (rule 3.13).
		CoreSubscriber<? super T> actual;

		volatile boolean cancelled;

		volatile int terminated;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<BranchSubscription> TERMINATED =
				AtomicIntegerFieldUpdater.newUpdater(BranchSubscription.class, "terminated");

		volatile long requested;
		@SuppressWarnings("rawtypes")
		static final AtomicLongFieldUpdater<BranchSubscription> REQUESTED =
				AtomicLongFieldUpdater.newUpdater(BranchSubscription.class, "requested");

		BranchSubscription(CoreSubscriber<? super T> actual, TeeMain<T> main) {
			this.actual = actual;
			this.main = main;
			this.context = actual.currentContext();
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				CoreSubscriber<? super T> a = actual;
				if (a != null && TERMINATED.compareAndSet(this, 0, 1)) {
					cancel();
					a.onError(Exceptions.nullOrNegativeRequestException(n));
				}
				return;
			}
			if (cancelled) {
				return;
			}
			Operators.addCap(REQUESTED, this, n);
			main.drain();
		}

		@Override
		public void cancel() {
			if (cancelled) {
				return;
			}
			cancelled = true;
			actual = null;
			main.branchCancelled();
		}

		/** Delivers {@code t}; false if this branch is over and did not take it. */
		boolean next(T t) {
			CoreSubscriber<? super T> a = actual;
			if (a != null && !cancelled) {
				a.onNext(t);
				return true;
			}
			return false;
		}

		void error(Throwable t) {
			CoreSubscriber<? super T> a = actual;
			if (a != null && !cancelled && TERMINATED.compareAndSet(this, 0, 1)) {
				actual = null;
				a.onError(t);
			}
		}

		void complete() {
			CoreSubscriber<? super T> a = actual;
			if (a != null && !cancelled && TERMINATED.compareAndSet(this, 0, 1)) {
				actual = null;
				a.onComplete();
			}
		}

		@Override
		public Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return main;
			}
			if (key == Attr.ACTUAL) {
				return actual;
			}
			if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
				if (cancelled || terminated != 0) {
					return 0L;
				}
				long r = requested;
				return r == Long.MAX_VALUE ? r : r - main.received;
			}
			if (key == Attr.CANCELLED) {
				return cancelled;
			}
			if (key == Attr.TERMINATED) {
				return terminated != 0 && !cancelled;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}
	}
}
