package io.gopherflux.ratelimit.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Whether Redis is answering, as a small state machine on the scheduler's clock:
 * <pre>
 * AVAILABLE   --failure of a call of this generation, the threshold's within the window-->  UNAVAILABLE
 *                 (listener.unavailable once; a probe is scheduled after the retry interval)
 * AVAILABLE   --any other failure--> AVAILABLE (that call alone is decided by the failure policy)
 * UNAVAILABLE --probe fails or times out--> UNAVAILABLE (next probe after the retry interval)
 * UNAVAILABLE --probe answers--> AVAILABLE (generation + 1, failures forgotten; listener.available once)
 * any         --close--> CLOSED (the pending probe disposed; later failures and answers ignored)
 * </pre>
 * A call reads the {@link #generation()} before asking Redis and reports its failure with it: a
 * failure of a call made before the last recovery says nothing about Redis now. The probe only
 * asks Redis; what a change of state means (logs, metrics, the fallback buckets) is the
 * listener's business.
 */
final class RedisAvailability {

	/** What the state machine tells of its changes: once per change, never while holding its lock. */
	interface Listener {

		/** Redis became unavailable because of {@code cause}, the failure that reached the threshold. */
		void unavailable(Throwable cause);

		/** Redis answers again, after {@code downMillis} of being unavailable (on the scheduler's clock). */
		void available(long downMillis);
	}

	enum State {
		AVAILABLE, UNAVAILABLE, CLOSED
	}

	private final FailureWindow failures;
	private final Duration retryInterval;
	private final Duration probeTimeout;
	private final Scheduler scheduler;
	private final Supplier<? extends Mono<?>> probe;
	private final Listener listener;

	/** Written under the lock, read without it. */
	private volatile State state = State.AVAILABLE;
	private volatile int generation;
	private volatile Throwable lastFailure;
	private long unavailableSinceMillis;
	private Disposable pendingProbe;
	/** Probes scheduled so far: tells whether {@link #pendingProbe} is the latest. */
	private long probes;

	/**
	 * @param threshold     how many failures within {@code window} make Redis unavailable
	 * @param window        the window of the threshold
	 * @param retryInterval how long after becoming unavailable, and after each failed probe, the next probe runs
	 * @param probeTimeout  how long a probe may take before it counts as failed
	 * @param scheduler     whose clock the failures are timed on, and whose timers run the probes
	 * @param probe         asks Redis whether it answers: completes (with or without a value) if it
	 *                      does, fails if not; called only while unavailable
	 * @param listener      told of each change
	 */
	RedisAvailability(int threshold, Duration window, Duration retryInterval, Duration probeTimeout, Scheduler scheduler,
			Supplier<? extends Mono<?>> probe, Listener listener) {
		this.failures = new FailureWindow(threshold, Objects.requireNonNull(window, "window"));
		this.retryInterval = Objects.requireNonNull(retryInterval, "retryInterval");
		this.probeTimeout = Objects.requireNonNull(probeTimeout, "probeTimeout");
		this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
		this.probe = Objects.requireNonNull(probe, "probe");
		this.listener = Objects.requireNonNull(listener, "listener");
	}

	/** Whether calls should go to Redis. */
	boolean available() {
		return state == State.AVAILABLE;
	}

	State state() {
		return state;
	}

	/** Changes at each recovery; read it before a call, and report the call's failure with it. */
	int generation() {
		return generation;
	}

	/** The last failure of a call or a probe, or {@code null}. */
	Throwable lastFailure() {
		return lastFailure;
	}

	/**
	 * A call made in {@code generationAtStart} failed in a way that says Redis is down: counts
	 * towards the threshold while available, and is otherwise only remembered.
	 */
	void failed(Throwable cause, int generationAtStart) {
		lastFailure = cause;
		synchronized (this) {
			if (state != State.AVAILABLE || generationAtStart != generation
					|| !failures.record(scheduler.now(TimeUnit.NANOSECONDS))) {
				return;
			}
			state = State.UNAVAILABLE;
			unavailableSinceMillis = scheduler.now(TimeUnit.MILLISECONDS);
		}
		listener.unavailable(cause);
		scheduleProbe();
	}

	private void scheduleProbe() {
		long mine;
		synchronized (this) {
			if (state != State.UNAVAILABLE) {
				return;
			}
			mine = ++probes;
		}
		Disposable next = Mono.delay(retryInterval, scheduler)
				.then(Mono.defer(() -> probe.get().timeout(probeTimeout, scheduler)))
				.subscribe(answer -> { }, this::probeFailed, this::recovered);
		synchronized (this) {
			if (state == State.UNAVAILABLE) {
				// Unless it already ended and scheduled the next one (a thread paused here for a retry interval).
				if (probes == mine) {
					pendingProbe = next;
				}
				return;
			}
		}
		next.dispose();
	}

	private void probeFailed(Throwable e) {
		lastFailure = e;
		if (state == State.UNAVAILABLE) {
			scheduleProbe();
		}
	}

	private void recovered() {
		long downMillis;
		synchronized (this) {
			if (state != State.UNAVAILABLE) {
				return;
			}
			generation++;
			failures.clear();
			pendingProbe = null;
			state = State.AVAILABLE;
			downMillis = scheduler.now(TimeUnit.MILLISECONDS) - unavailableSinceMillis;
		}
		listener.available(downMillis);
	}

	/** Stops probing; from now on nothing changes and nobody is told anything. */
	void close() {
		Disposable probing;
		synchronized (this) {
			state = State.CLOSED;
			probing = pendingProbe;
			pendingProbe = null;
		}
		if (probing != null) {
			probing.dispose();
		}
	}

	boolean closed() {
		return state == State.CLOSED;
	}

	@Override
	public String toString() {
		return "RedisAvailability[" + state + ", generation " + generation + "]";
	}
}
