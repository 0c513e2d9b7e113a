package io.gopherflux.ratelimit.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.gopherflux.ratelimit.NanoClock;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import reactor.core.scheduler.Scheduler;

/**
 * Runs the limiter's scripts where their keys are: EVALSHA, and EVAL (which also stores the
 * script) if that node does not know it, as after a restart, a {@code SCRIPT FLUSH} or a failover
 * (a promoted replica never had the scripts: Redis does not replicate them). On a Redis Cluster,
 * Lettuce routes both to the master of the keys' slot and follows {@code MOVED} and {@code ASK};
 * {@code TRYAGAIN} (a slot half-migrated, its keys split between two nodes) it leaves to us: the
 * call is tried again every {@link #TRY_AGAIN_DELAY} for up to half the timeout, then fails as a
 * {@link FailureKind#CALL} error.
 * <p>
 * The returned futures are never cancelled by their callers: a script already sent still runs,
 * and a reservation that answers after its caller gave up must be seen, to be given back.
 */
final class ScriptRunner {

	/** Between two tries of a call that met TRYAGAIN: Redis moves a slot's keys a batch at a time. */
	static final Duration TRY_AGAIN_DELAY = Duration.ofMillis(10);

	private final RedisEndpoint<?> endpoint;
	private final RedisLimiterMetrics metrics;
	private final NanoClock clock;
	private final Scheduler scheduler;
	private final long tryAgainForNanos;

	/**
	 * @param endpoint  where the scripts run
	 * @param metrics   told of round trips and reloads
	 * @param clock     times the round trips
	 * @param scheduler runs the delays before trying again
	 * @param timeout   the callers' timeout: TRYAGAIN is retried for half of it
	 */
	ScriptRunner(RedisEndpoint<?> endpoint, RedisLimiterMetrics metrics, NanoClock clock, Scheduler scheduler, Duration timeout) {
		this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
		this.tryAgainForNanos = timeout.toNanos() / 2;
	}

	/** Where the scripts run, without passwords. */
	String display() {
		return endpoint.display();
	}

	boolean closed() {
		return endpoint.closed();
	}

	/** {@code script} on {@code keys} with {@code args}: one round trip, unless Redis forgot the script or a slot moves. */
	<T> CompletableFuture<T> run(GcraScript script, ScriptOutputType type, String[] keys, String[] args) {
		if (endpoint.closed()) {
			return CompletableFuture.failedFuture(new IllegalStateException("the Redis rate limiters on " + endpoint.display() + " are closed"));
		}
		long start = clock.nanoTime();
		long triedFrom = scheduler.now(TimeUnit.NANOSECONDS);
		CompletableFuture<RedisClusterAsyncCommands<String, String>> commands = endpoint.commands();
		CompletableFuture<T> call = commands.isDone() && !commands.isCompletedExceptionally()
				? this.<T>attempt(commands.join(), script, type, keys, args, start, triedFrom).toCompletableFuture()
				: commands.thenCompose(redis -> this.<T>attempt(redis, script, type, keys, args, start, triedFrom));
		call.thenRun(() -> metrics.roundTrip(clock.nanoTime() - start));
		return call;
	}

	/**
	 * One try; {@code start} is on the configured clock (which times round trips), {@code triedFrom}
	 * on the scheduler's, which also runs the delays: the clock may be one a test holds still, and
	 * then only the scheduler's time bounds the tries.
	 */
	private <T> CompletionStage<T> attempt(RedisClusterAsyncCommands<String, String> redis, GcraScript script,
			ScriptOutputType type, String[] keys, String[] args, long start, long triedFrom) {
		return redis.<T>evalsha(script.sha1, type, keys, args).exceptionallyCompose(e -> {
			Throwable failure = FailureKind.unwrap(e);
			if (failure instanceof RedisNoScriptException) {
				metrics.scriptReloaded();
				return redis.eval(script.text, type, keys, args);
			}
			return CompletableFuture.failedStage(failure);
		}).exceptionallyCompose(e -> {
			Throwable failure = FailureKind.unwrap(e);
			if (tryAgain(failure) && scheduler.now(TimeUnit.NANOSECONDS) - triedFrom + TRY_AGAIN_DELAY.toNanos() < tryAgainForNanos) {
				return later().thenCompose(v -> attempt(redis, script, type, keys, args, start, triedFrom));
			}
			return CompletableFuture.failedStage(failure);
		});
	}

	private static boolean tryAgain(Throwable failure) {
		return failure instanceof RedisCommandExecutionException && failure.getMessage() != null
				&& failure.getMessage().startsWith("TRYAGAIN");
	}

	private CompletableFuture<Void> later() {
		CompletableFuture<Void> due = new CompletableFuture<>();
		scheduler.schedule(() -> due.complete(null), TRY_AGAIN_DELAY.toNanos(), TimeUnit.NANOSECONDS);
		return due;
	}
}
