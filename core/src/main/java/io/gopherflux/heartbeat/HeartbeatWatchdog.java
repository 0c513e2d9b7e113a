package io.gopherflux.heartbeat;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * The consumer's watchdog over a heartbeat stream: passes every beat through and fails with a
 * {@link HeartbeatTimeoutException} when, while downstream is waiting for a beat, none arrives
 * within the timeout.
 *
 * @param <T> the type of the values
 */
final class HeartbeatWatchdog<T> extends FluxOperator<Beat<T>, Beat<T>> {

	final String name;
	final Duration timeout;
	final Scheduler scheduler;

	private HeartbeatWatchdog(Flux<? extends Beat<T>> source, String name, Duration timeout, Scheduler scheduler) {
		super(source);
		this.name = name;
		this.timeout = timeout;
		this.scheduler = scheduler;
	}

	/** The operator, through Reactor's assembly hooks; {@code name} may be null. */
	static <T> Flux<Beat<T>> create(Flux<? extends Beat<T>> source, String name, Duration timeout, Scheduler scheduler) {
		return onAssembly(new HeartbeatWatchdog<>(source, name, timeout, scheduler));
	}

	@Override
	public void subscribe(CoreSubscriber<? super Beat<T>> actual) {
		source.subscribe(new WatchdogSubscriber<>(actual, name, timeout, scheduler));
	}

	@Override
	public Object scanUnsafe(Attr key) {
		if (key == Attr.RUN_ON) {
			return scheduler;
		}
		if (key == Attr.RUN_STYLE) {
			return Attr.RunStyle.ASYNC;
		}
		return super.scanUnsafe(key);
	}

	/*
	 * State machine:
	 * - the clock runs only while downstream waits, i.e. has requested more beats than it got
	 *   (the book's consumer starts its time.After only when it enters its select);
	 * - each beat, and each moment downstream starts waiting again, moves `since` to now;
	 * - one timer task at a time (`armed`); when it fires: nobody waiting, disarm; silent for
	 *   the whole timeout since `since`, time out; otherwise sleep for the rest. Beats therefore
	 *   cost a clock read, not a timer reschedule;
	 * - the first of upstream's terminal, the timeout, a bad request and cancel wins `terminal`;
	 *   the last three cancel upstream (once, whoever asks), so what upstream still sends after
	 *   them is expected: a beat goes to the discard hook, an error or completion is ignored;
	 * - `wip` serializes a terminal signal with onNext (half-serialization): a terminal that
	 *   finds an onNext in progress is left for that onNext to emit when it returns.
	 */
	static final class WatchdogSubscriber<T> implements CoreSubscriber<Beat<T>>, Subscription, Runnable, Scannable {

		static final Object COMPLETE = new Object();
		static final Object CANCELLED = new Object();
		static final Disposable DISPOSED = Disposables.disposed();

		final CoreSubscriber<? super Beat<T>> actual;
		final String name;
		final Duration timeout;
		final long timeoutNanos;
		final Scheduler scheduler;

		Subscription s;

		volatile long requested;
		@SuppressWarnings("rawtypes")
		static final AtomicLongFieldUpdater<WatchdogSubscriber> REQUESTED =
				AtomicLongFieldUpdater.newUpdater(WatchdogSubscriber.class, "requested");

		// Written by onNext only.
		volatile long produced;

		volatile long since;

		volatile int armed;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<WatchdogSubscriber> ARMED =
				AtomicIntegerFieldUpdater.newUpdater(WatchdogSubscriber.class, "armed");

		volatile Disposable timer;
		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<WatchdogSubscriber, Disposable> TIMER =
				AtomicReferenceFieldUpdater.newUpdater(WatchdogSubscriber.class, Disposable.class, "timer");

		volatile int wip;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<WatchdogSubscriber> WIP =
				AtomicIntegerFieldUpdater.newUpdater(WatchdogSubscriber.class, "wip");

		volatile Object terminal;
		@SuppressWarnings("rawtypes")
		static final AtomicReferenceFieldUpdater<WatchdogSubscriber, Object> TERMINAL =
				AtomicReferenceFieldUpdater.newUpdater(WatchdogSubscriber.class, Object.class, "terminal");

		volatile int upstreamCancelled;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<WatchdogSubscriber> UPSTREAM_CANCELLED =
				AtomicIntegerFieldUpdater.newUpdater(WatchdogSubscriber.class, "upstreamCancelled");

		// Upstream sent its terminal signal.
		volatile boolean done;

		WatchdogSubscriber(CoreSubscriber<? super Beat<T>> actual, String name, Duration timeout, Scheduler scheduler) {
			this.actual = actual;
			this.name = name;
			this.timeout = timeout;
			this.timeoutNanos = saturatedNanos(timeout);
			this.scheduler = scheduler;
		}

		@Override
		public Context currentContext() {
			return actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.validate(this.s, s)) {
				this.s = s;
				actual.onSubscribe(this);
			}
		}

		@Override
		public void onNext(Beat<T> beat) {
			if (done) {
				Operators.onNextDropped(beat, currentContext());
				return;
			}
			if (terminal != null) {
				Operators.onDiscard(beat, currentContext());
				return;
			}
			since = now();
			produced++;
			if (wip == 0 && WIP.compareAndSet(this, 0, 1)) {
				actual.onNext(beat);
				if (WIP.decrementAndGet(this) != 0) {
					emitTerminal();
				}
			}
			else {
				Operators.onDiscard(beat, currentContext());
			}
		}

		@Override
		public void onError(Throwable t) {
			if (done) {
				Operators.onErrorDropped(t, currentContext());
				return;
			}
			done = true;
			// Losing means upstream was cancelled first: its failure on the way out is expected.
			terminate(t, false);
		}

		@Override
		public void onComplete() {
			if (done) {
				return;
			}
			done = true;
			terminate(COMPLETE, false);
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				// Rule 3.9: the bad request ends the subscription with an error.
				terminate(Exceptions.nullOrNegativeRequestException(n), true);
				return;
			}
			if (terminal != null) {
				return;
			}
			if (requested == produced) {
				// Downstream starts waiting now; upstream cannot emit before the demand below.
				since = now();
			}
			Operators.addCap(REQUESTED, this, n);
			s.request(n);
			if (ARMED.compareAndSet(this, 0, 1)) {
				schedule(timeoutNanos);
			}
		}

		@Override
		public void cancel() {
			if (TERMINAL.compareAndSet(this, null, CANCELLED)) {
				cancelUpstream();
				disposeTimer();
			}
		}

		@Override
		public void run() {
			for (;;) {
				if (terminal != null) {
					return;
				}
				long now = now();
				if (!waiting()) {
					armed = 0;
					// A request may have come in between; whoever re-arms owns the timer.
					if (!waiting() || !ARMED.compareAndSet(this, 0, 1)) {
						return;
					}
					continue;
				}
				// Written as a difference so that a saturated timeout cannot overflow.
				long left = timeoutNanos - (now - since);
				if (left <= 0) {
					terminate(new HeartbeatTimeoutException(name, timeout), true);
					return;
				}
				schedule(left);
				return;
			}
		}

		boolean waiting() {
			return requested != produced;
		}

		long now() {
			return scheduler.now(TimeUnit.NANOSECONDS);
		}

		void schedule(long delayNanos) {
			Disposable task;
			try {
				task = scheduler.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ree) {
				terminate(Operators.onRejectedExecution(ree, currentContext()), true);
				return;
			}
			for (;;) {
				Disposable current = timer;
				if (current == DISPOSED) {
					task.dispose();
					return;
				}
				if (TIMER.compareAndSet(this, current, task)) {
					return;
				}
			}
		}

		void disposeTimer() {
			Disposable current = TIMER.getAndSet(this, DISPOSED);
			if (current != null) {
				current.dispose();
			}
		}

		void cancelUpstream() {
			if (UPSTREAM_CANCELLED.compareAndSet(this, 0, 1)) {
				s.cancel();
			}
		}

		// Upstream is cancelled, when asked, before the signal is emitted.
		void terminate(Object signal, boolean cancelUpstream) {
			if (!TERMINAL.compareAndSet(this, null, signal)) {
				return;
			}
			if (cancelUpstream) {
				cancelUpstream();
			}
			disposeTimer();
			if (WIP.getAndIncrement(this) == 0) {
				emitTerminal();
			}
		}

		void emitTerminal() {
			Object signal = terminal;
			if (signal == COMPLETE) {
				actual.onComplete();
			}
			else {
				actual.onError((Throwable) signal);
			}
		}

		@Override
		public Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return s;
			}
			if (key == Attr.ACTUAL) {
				return actual;
			}
			if (key == Attr.CANCELLED) {
				return terminal == CANCELLED;
			}
			if (key == Attr.TERMINATED) {
				Object signal = terminal;
				return signal != null && signal != CANCELLED;
			}
			if (key == Attr.ERROR) {
				Object signal = terminal;
				return signal instanceof Throwable ? signal : null;
			}
			if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
				long r = requested;
				return r == Long.MAX_VALUE ? Long.MAX_VALUE : r - produced;
			}
			if (key == Attr.RUN_ON) {
				return scheduler;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.ASYNC;
			}
			return null;
		}

		static long saturatedNanos(Duration duration) {
			try {
				return duration.toNanos();
			}
			catch (ArithmeticException overflow) {
				return Long.MAX_VALUE;
			}
		}
	}
}
