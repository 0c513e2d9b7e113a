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

	HeartbeatWatchdog(Flux<? extends Beat<T>> source, String name, Duration timeout, Scheduler scheduler) {
		super(source);
		this.name = name;
		this.timeout = timeout;
		this.scheduler = scheduler;
	}

	@Override
	public void subscribe(CoreSubscriber<? super Beat<T>> actual) {
		source.subscribe(new WatchdogSubscriber<>(actual, name, timeout, scheduler));
	}

	/*
	 * State machine:
	 * - the clock runs only while downstream waits, i.e. has requested more beats than it got
	 *   (the book's consumer starts its time.After only when it enters its select);
	 * - each beat, and each moment downstream starts waiting again, moves `since` to now;
	 * - one timer task at a time (`armed`); when it fires: nobody waiting, disarm; silent for
	 *   the whole timeout since `since`, cancel upstream and fail; otherwise sleep for the rest.
	 *   Beats therefore cost a clock read, not a timer reschedule;
	 * - terminal signals come from upstream, from the timer or from a bad request; `wip`
	 *   serializes them with onNext (half-serialization): a terminal that finds an onNext in
	 *   progress is left for that onNext to emit when it returns.
	 */
	static final class WatchdogSubscriber<T> implements CoreSubscriber<Beat<T>>, Subscription, Runnable {

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

		volatile boolean done;

		WatchdogSubscriber(CoreSubscriber<? super Beat<T>> actual, String name, Duration timeout, Scheduler scheduler) {
			this.actual = actual;
			this.name = name;
			this.timeout = timeout;
			this.timeoutNanos = timeout.toNanos();
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
			since = now();
			produced++;
			if (wip == 0 && WIP.compareAndSet(this, 0, 1)) {
				actual.onNext(beat);
				if (WIP.decrementAndGet(this) != 0) {
					emitTerminal();
				}
			}
			else {
				Operators.onNextDropped(beat, currentContext());
			}
		}

		@Override
		public void onError(Throwable t) {
			terminate(t);
		}

		@Override
		public void onComplete() {
			terminate(COMPLETE);
		}

		@Override
		public void request(long n) {
			if (n <= 0) {
				// Rule 3.9: the bad request ends the subscription with an error.
				s.cancel();
				terminate(Exceptions.nullOrNegativeRequestException(n));
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
			done = true;
			TERMINAL.compareAndSet(this, null, CANCELLED);
			s.cancel();
			disposeTimer();
		}

		@Override
		public void run() {
			for (;;) {
				if (done) {
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
				long left = since + timeoutNanos - now;
				if (left <= 0) {
					s.cancel();
					terminate(new HeartbeatTimeoutException(name, timeout));
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
				s.cancel();
				terminate(Operators.onRejectedExecution(ree, currentContext()));
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

		void terminate(Object signal) {
			if (!TERMINAL.compareAndSet(this, null, signal)) {
				if (signal instanceof Throwable t) {
					Operators.onErrorDropped(t, currentContext());
				}
				return;
			}
			done = true;
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
	}
}
