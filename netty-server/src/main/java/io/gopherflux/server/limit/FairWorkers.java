package io.gopherflux.server.limit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A pool of workers for CPU-bound stages that clients share fairly: one client's burst of tasks
 * cannot hold the workers while another client's task waits.
 * <p>
 * At most {@code slots} tasks run at once (give it as many as the executor has threads, so that a
 * dispatched task starts at once). The others wait in one queue per client. Whenever a slot frees,
 * it goes to the waiting task of the client that has the fewest tasks running, the one that waited
 * longest among equals: with k clients waiting, none holds more than its share of
 * {@code slots / k} for longer than one of its tasks runs. Tasks already running are never
 * stopped for fairness, so the stage's tasks should be short (one prime test each, for instance).
 * <p>
 * Each client reaches the pool through {@link #forClient(String)}, a {@link Scheduler} for
 * {@code subscribeOn}/{@code publishOn} and {@link io.gopherflux.pipeline.FanOut}. Disposing a
 * waiting task takes it out of the line; disposing a running one interrupts its thread. A client's
 * queue holds what its streams have in flight, which the streams bound (a fan-out of {@code w}
 * workers has at most {@code w} tasks queued), so the queues need no bound of their own.
 */
public final class FairWorkers implements AutoCloseable {

	private final ExecutorService executor;
	private final int slots;
	private final boolean ownsExecutor;
	private final Object lock = new Object();
	private final Map<String, Lane> lanes = new HashMap<>();
	// Clients with tasks waiting, in the order they are served among equals.
	private final ArrayDeque<Lane> waiting = new ArrayDeque<>();
	private int running;
	private boolean closed;

	/**
	 * A pool over {@code executor}, which stays the caller's to shut down.
	 *
	 * @param executor where dispatched tasks run
	 * @param slots    the most tasks dispatched to it at once, at least 1
	 */
	public FairWorkers(ExecutorService executor, int slots) {
		this(executor, slots, false);
	}

	private FairWorkers(ExecutorService executor, int slots, boolean ownsExecutor) {
		this.executor = Objects.requireNonNull(executor, "executor");
		if (slots < 1) {
			throw new IllegalArgumentException("slots must be at least 1, was " + slots);
		}
		this.slots = slots;
		this.ownsExecutor = ownsExecutor;
	}

	/**
	 * A pool of {@code threads} daemon threads named {@code name-1}, {@code name-2}..., shut down by {@link #close()}.
	 *
	 * @param name    the prefix of the threads' names
	 * @param threads how many threads, and slots, the pool has; at least 1
	 * @return a pool that owns its executor
	 */
	public static FairWorkers newPool(String name, int threads) {
		Objects.requireNonNull(name, "name");
		if (threads < 1) {
			throw new IllegalArgumentException("threads must be at least 1, was " + threads);
		}
		AtomicInteger count = new AtomicInteger();
		ThreadFactory factory = task -> {
			Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
		return new FairWorkers(Executors.newFixedThreadPool(threads, factory), threads, true);
	}

	/**
	 * The scheduler through which {@code client}'s tasks take their turns.
	 *
	 * @param client the client whose queue the scheduler's tasks join
	 * @return a scheduler for that client's tasks
	 */
	public Scheduler forClient(String client) {
		Objects.requireNonNull(client, "client");
		return new ClientScheduler(client);
	}

	/**
	 * The most tasks that run at once.
	 *
	 * @return the number of slots
	 */
	public int slots() {
		return slots;
	}

	/**
	 * Tasks running now.
	 *
	 * @return how many slots are taken, over every client
	 */
	public int running() {
		synchronized (lock) {
			return running;
		}
	}

	/**
	 * Tasks of {@code client} running now.
	 *
	 * @param client the client
	 * @return how many of its tasks hold a slot; 0 for a client the pool does not know
	 */
	public int running(String client) {
		synchronized (lock) {
			Lane lane = lanes.get(client);
			return lane == null ? 0 : lane.running;
		}
	}

	/**
	 * Tasks of {@code client} waiting for a slot now (disposed ones not yet reached included).
	 *
	 * @param client the client
	 * @return the length of its queue; 0 for a client the pool does not know
	 */
	public int waiting(String client) {
		synchronized (lock) {
			Lane lane = lanes.get(client);
			return lane == null ? 0 : lane.pending.size();
		}
	}

	/** Refuses new tasks, cancels those waiting and, if this pool made its executor, shuts it down. */
	@Override
	public void close() {
		List<Task> cancelled = new ArrayList<>();
		synchronized (lock) {
			closed = true;
			for (Lane lane : lanes.values()) {
				cancelled.addAll(lane.pending);
			}
		}
		cancelled.forEach(task -> task.cancel(false));
		if (ownsExecutor) {
			executor.shutdownNow();
		}
	}

	private void submit(String client, Task task) {
		List<Task> start;
		synchronized (lock) {
			if (closed) {
				throw Exceptions.failWithRejected();
			}
			Lane lane = lanes.computeIfAbsent(client, Lane::new);
			task.lane = lane;
			lane.pending.addLast(task);
			if (!lane.inLine) {
				lane.inLine = true;
				waiting.addLast(lane);
			}
			start = dispatch();
		}
		execute(start);
	}

	private void execute(List<Task> start) {
		for (Task task : start) {
			try {
				executor.execute(task);
			}
			catch (RejectedExecutionException e) {
				task.cancel(false);
			}
		}
	}

	/** Hands free slots to waiting tasks; under the lock. */
	private List<Task> dispatch() {
		List<Task> start = List.of();
		while (running < slots && !waiting.isEmpty()) {
			Lane best = null;
			for (Lane lane : waiting) {
				if (best == null || lane.running < best.running) {
					best = lane;
					if (best.running == 0) {
						break;
					}
				}
			}
			waiting.remove(best);
			Task task = best.pending.pollFirst();
			while (task != null && task.isDone()) {
				task = best.pending.pollFirst();
			}
			if (best.pending.isEmpty()) {
				best.inLine = false;
			}
			else {
				waiting.addLast(best);
			}
			if (task == null) {
				retireIfIdle(best);
				continue;
			}
			task.dispatched = true;
			best.running++;
			running++;
			if (start.isEmpty()) {
				start = new ArrayList<>(2);
			}
			start.add(task);
		}
		return start;
	}

	/** A task is done: ran, failed or was cancelled, whether it was dispatched or still waiting. */
	private void done(Task task) {
		List<Task> start;
		synchronized (lock) {
			Lane lane = task.lane;
			if (lane == null) {
				// Cancelled before it was submitted: dispatch will skip it.
				return;
			}
			if (task.dispatched) {
				lane.running--;
				running--;
			}
			else {
				lane.pending.remove(task);
				if (lane.pending.isEmpty() && lane.inLine) {
					lane.inLine = false;
					waiting.remove(lane);
				}
			}
			retireIfIdle(lane);
			start = closed ? List.of() : dispatch();
		}
		execute(start);
	}

	private void retireIfIdle(Lane lane) {
		if (lane.running == 0 && lane.pending.isEmpty() && lanes.get(lane.client) == lane) {
			lanes.remove(lane.client);
		}
	}

	/** One client's tasks: those waiting in order, and how many run. */
	private static final class Lane {

		final String client;
		final ArrayDeque<Task> pending = new ArrayDeque<>();
		int running;
		boolean inLine;

		Lane(String client) {
			this.client = client;
		}
	}

	/**
	 * A task in the pool. {@link FutureTask} runs it at most once, and calls {@link #done()} once,
	 * whether it ran or was cancelled; {@code dispatched} and {@code lane} are read and written under
	 * the pool's lock.
	 */
	private final class Task extends FutureTask<Void> implements Disposable {

		final Disposable.Composite parent;
		Lane lane;
		boolean dispatched;

		Task(Runnable work, Disposable.Composite parent) {
			super(() -> {
				try {
					work.run();
				}
				catch (Throwable e) {
					// As Reactor's own schedulers do: a task's failure goes to its thread's handler, not into a Future.
					Thread thread = Thread.currentThread();
					thread.getUncaughtExceptionHandler().uncaughtException(thread, e);
				}
			}, null);
			this.parent = parent;
		}

		@Override
		protected void done() {
			if (parent != null) {
				parent.remove(this);
			}
			FairWorkers.this.done(this);
		}

		@Override
		public void dispose() {
			cancel(true);
		}

		@Override
		public boolean isDisposed() {
			return isDone();
		}
	}

	private final class ClientScheduler implements Scheduler {

		final String client;

		ClientScheduler(String client) {
			this.client = client;
		}

		@Override
		public Disposable schedule(Runnable task) {
			Task scheduled = new Task(Schedulers.onSchedule(Objects.requireNonNull(task, "task")), null);
			submit(client, scheduled);
			return scheduled;
		}

		@Override
		public Worker createWorker() {
			return new ClientWorker(client);
		}

		@Override
		public boolean isDisposed() {
			synchronized (lock) {
				return closed;
			}
		}

		@Override
		public void dispose() {
			// The pool is shared: one client's view does not close it.
		}
	}

	private final class ClientWorker implements Scheduler.Worker {

		final String client;
		final Disposable.Composite tasks = Disposables.composite();

		ClientWorker(String client) {
			this.client = client;
		}

		@Override
		public Disposable schedule(Runnable task) {
			Task scheduled = new Task(Schedulers.onSchedule(Objects.requireNonNull(task, "task")), tasks);
			if (!tasks.add(scheduled)) {
				throw Exceptions.failWithRejected();
			}
			try {
				submit(client, scheduled);
			}
			catch (RejectedExecutionException e) {
				tasks.remove(scheduled);
				throw e;
			}
			return scheduled;
		}

		@Override
		public void dispose() {
			tasks.dispose();
		}

		@Override
		public boolean isDisposed() {
			return tasks.isDisposed();
		}
	}
}
