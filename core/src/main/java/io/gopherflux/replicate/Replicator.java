package io.gopherflux.replicate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Replicated and hedged requests (chapter 5, "Replicated Requests"): the same request is sent to
 * several replicas, the first value wins and the other replicas are cancelled.
 * <p>
 * The race is Reactor's {@link Mono#firstWithValue(Iterable)}, which already has the semantics the
 * book needs: the first value wins, every other source is cancelled, and an error or an empty
 * completion does not win. What this class adds is what that operator lacks:
 * <ul>
 * <li>hedging: replica {@code i} is subscribed only {@code i} hedge delays after the request
 * (Reactor's {@code delaySubscription}), so that when an earlier replica answers first the later
 * ones never start, and their timers are cancelled;</li>
 * <li>a hedge delay read from a percentile of the latencies observed by this replicator;</li>
 * <li>per-replica accounting reported to {@link ReplicateMetrics}: which replica won and how fast,
 * which started replicas were cancelled (a replica that already terminated is not counted);</li>
 * <li>one well-formed {@link AllReplicasFailedException} carrying every replica's cause when no
 * replica answers, in place of Reactor's {@code NoSuchElementException}.</li>
 * </ul>
 * A replicator is immutable apart from its latency window and may be shared by any number of
 * requests; keep one per kind of request (per downstream service), so that its percentile means
 * something.
 */
public final class Replicator {

	private static final int NOT_STARTED = 0;
	private static final int RUNNING = 1;
	private static final int DONE = 2;
	private static final int CANCELLED = 3;

	private final ReplicateConfig config;
	private final LatencyWindow latencies;

	private Replicator(ReplicateConfig config) {
		this.config = config;
		HedgeDelay hedge = config.hedgeDelay();
		this.latencies = hedge instanceof HedgeDelay.Percentile
				? new LatencyWindow(((HedgeDelay.Percentile) hedge).window(), ((HedgeDelay.Percentile) hedge).minSamples())
				: new LatencyWindow(1, 1);
	}

	/**
	 * A replicator configured by {@code config}.
	 *
	 * @param config how to replicate
	 * @return the replicator
	 */
	public static Replicator of(ReplicateConfig config) {
		return new Replicator(Objects.requireNonNull(config, "config"));
	}

	/**
	 * The book's replicated request: {@code replicas} replicas started at once, the first value
	 * wins; see {@link #request(IntFunction)}.
	 *
	 * @param replicas how many replicas, at least 1
	 * @param replica  the request sent to replica {@code i}
	 * @param <T>      the type of the value
	 * @return the first value of any replica
	 */
	public static <T> Mono<T> first(int replicas, IntFunction<? extends Mono<? extends T>> replica) {
		return of(ReplicateConfig.of(replicas)).request(replica);
	}

	/** {@return this replicator's configuration} */
	public ReplicateConfig config() {
		return config;
	}

	/**
	 * The delay between replica starts that a request subscribed now would use: zero for
	 * {@link HedgeDelay#none()}, the fixed delay, or the observed percentile (the initial delay
	 * until enough latencies are known).
	 *
	 * @return the delay
	 */
	public Duration hedgeDelay() {
		HedgeDelay hedge = config.hedgeDelay();
		if (hedge instanceof HedgeDelay.Fixed) {
			return ((HedgeDelay.Fixed) hedge).delay();
		}
		if (hedge instanceof HedgeDelay.Percentile) {
			HedgeDelay.Percentile p = (HedgeDelay.Percentile) hedge;
			return latencies.percentile(p.percentile()).orElse(p.initial());
		}
		return Duration.ZERO;
	}

	/**
	 * A Mono that, on each subscription, replicates a request: {@code replica.apply(i)} is the
	 * request sent to replica {@code i}, for {@code i} from 0 to {@code replicas - 1}.
	 * <p>
	 * Replica {@code i} is subscribed {@code i} hedge delays after the subscription (all at once
	 * without hedging), unless a replica has answered by then. The Mono emits the first value of any
	 * replica and completes; every other started replica is cancelled, and replicas not yet started
	 * never start. A replica that fails, completes empty, throws from {@code replica.apply} or
	 * returns {@code null} does not win: the others are awaited. When none answers the Mono fails
	 * with an {@link AllReplicasFailedException} holding each replica's cause. Cancelling the Mono
	 * cancels every started replica and every pending start.
	 *
	 * @param replica the request sent to replica {@code i}
	 * @param <T>     the type of the value
	 * @return the first value of any replica
	 */
	public <T> Mono<T> request(IntFunction<? extends Mono<? extends T>> replica) {
		Objects.requireNonNull(replica, "replica");
		return Mono.defer(() -> {
			Attempt<T> attempt = new Attempt<>(this, replica, hedgeDelay());
			return Mono.firstWithValue(attempt.replicas())
					// replicas never fail, so the only error is firstWithValue's "none had a value"
					.onErrorResume(NoSuchElementException.class, e -> Mono.empty())
					.switchIfEmpty(Mono.error(attempt::allFailed))
					.doOnNext(attempt::won)
					.map(Answer::value);
		});
	}

	private long nowNanos() {
		return config.clock().now(TimeUnit.NANOSECONDS);
	}

	/** The value of the replica that answered first. */
	private record Answer<T>(int replica, T value, long answeredAtNanos) {
	}

	/** The accounting of one subscription: each replica's state, start time and cause of failure. */
	private static final class Attempt<T> {

		final Replicator parent;
		final IntFunction<? extends Mono<? extends T>> request;
		final Duration hedgeDelay;
		final ReplicateMetrics metrics;
		final long startNanos;
		final long[] replicaStartNanos;
		final AtomicIntegerArray states;
		final AtomicReferenceArray<Throwable> causes;

		Attempt(Replicator parent, IntFunction<? extends Mono<? extends T>> request, Duration hedgeDelay) {
			int n = parent.config.replicas();
			this.parent = parent;
			this.request = request;
			this.hedgeDelay = hedgeDelay;
			this.metrics = parent.config.metrics();
			this.startNanos = parent.nowNanos();
			this.replicaStartNanos = new long[n];
			this.states = new AtomicIntegerArray(n);
			this.causes = new AtomicReferenceArray<>(n);
		}

		List<Mono<Answer<T>>> replicas() {
			int n = states.length();
			List<Mono<Answer<T>>> replicas = new ArrayList<>(n);
			Scheduler clock = parent.config.clock();
			for (int i = 0; i < n; i++) {
				Mono<Answer<T>> replica = replica(i);
				if (i > 0 && !hedgeDelay.isZero()) {
					replica = replica.delaySubscription(hedgeDelay.multipliedBy(i), clock);
				}
				replicas.add(replica);
			}
			return replicas;
		}

		private Mono<Answer<T>> replica(int i) {
			return Mono.<T>defer(() -> {
						replicaStartNanos[i] = parent.nowNanos();
						states.set(i, RUNNING);
						metrics.replicaStarted(i);
						return Objects.requireNonNull(request.apply(i), "replica " + i + " returned null");
					})
					.map(value -> {
						states.set(i, DONE);
						return new Answer<T>(i, value, parent.nowNanos());
					})
					.doOnSuccess(answer -> {
						if (answer == null) {
							fail(i, new NoSuchElementException("replica " + i + " completed without a value"));
						}
					})
					.doOnError(e -> fail(i, e))
					.onErrorResume(e -> Mono.empty())
					.doOnCancel(() -> {
						if (states.compareAndSet(i, RUNNING, CANCELLED)) {
							metrics.replicaCancelled(i);
						}
					});
		}

		private void fail(int i, Throwable cause) {
			causes.set(i, cause);
			states.set(i, DONE);
		}

		void won(Answer<T> answer) {
			parent.latencies.record(answer.answeredAtNanos() - replicaStartNanos[answer.replica()]);
			metrics.won(answer.replica(), Duration.ofNanos(answer.answeredAtNanos() - startNanos));
		}

		AllReplicasFailedException allFailed() {
			int n = causes.length();
			List<Throwable> all = new ArrayList<>(n);
			for (int i = 0; i < n; i++) {
				Throwable cause = causes.get(i);
				all.add(cause != null ? cause : new IllegalStateException("replica " + i + " did not start"));
			}
			metrics.allFailed(n);
			return new AllReplicasFailedException(all, hedgeDelay);
		}
	}
}
