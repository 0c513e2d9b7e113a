package io.gopherflux.ratelimit.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
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
		Call<T> call = new Call<>(script, type, keys, args, clock.nanoTime(), scheduler.now(TimeUnit.NANOSECONDS));
		CompletableFuture<RedisClusterAsyncCommands<String, String>> commands = endpoint.commands();
		if (commands.isDone() && !commands.isCompletedExceptionally()) {
			attempt(commands.join(), call);
		}
		else {
			commands.whenComplete((redis, e) -> {
				if (e != null) {
					call.completeExceptionally(e);
				}
				else {
					attempt(redis, call);
				}
			});
		}
		return call;
	}

	/**
	 * One try; {@code call.start} is on the configured clock (which times round trips),
	 * {@code call.triedFrom} on the scheduler's, which also runs the delays: the clock may be one a
	 * test holds still, and then only the scheduler's time bounds the tries. One callback per try,
	 * rather than a chain of dependent futures: this runs once per decision.
	 */
	private <T> void attempt(RedisClusterAsyncCommands<String, String> redis, Call<T> call) {
		try {
			redis.<T>evalsha(call.script.sha1, call.type, call.keys, call.args).whenComplete((value, e) -> {
				if (e == null) {
					answered(call, value);
				}
				else if (FailureKind.unwrap(e) instanceof RedisNoScriptException) {
					metrics.scriptReloaded();
					reload(redis, call);
				}
				else {
					failed(redis, call, e);
				}
			});
		}
		catch (RuntimeException e) {
			call.completeExceptionally(e);
		}
	}

	/** EVAL, which also stores the script, after a NOSCRIPT. */
	private <T> void reload(RedisClusterAsyncCommands<String, String> redis, Call<T> call) {
		try {
			redis.<T>eval(call.script.text, call.type, call.keys, call.args).whenComplete((value, e) -> {
				if (e == null) {
					answered(call, value);
				}
				else {
					failed(redis, call, e);
				}
			});
		}
		catch (RuntimeException e) {
			call.completeExceptionally(e);
		}
	}

	private <T> void answered(Call<T> call, T value) {
		metrics.roundTrip(clock.nanoTime() - call.start);
		call.complete(value);
	}

	/** TRYAGAIN is tried again after a delay, within half the timeout; any other failure is the call's. */
	private <T> void failed(RedisClusterAsyncCommands<String, String> redis, Call<T> call, Throwable e) {
		Throwable failure = FailureKind.unwrap(e);
		if (tryAgain(failure) && scheduler.now(TimeUnit.NANOSECONDS) - call.triedFrom + TRY_AGAIN_DELAY.toNanos() < tryAgainForNanos) {
			try {
				scheduler.schedule(() -> attempt(redis, call), TRY_AGAIN_DELAY.toNanos(), TimeUnit.NANOSECONDS);
				return;
			}
			catch (RejectedExecutionException rejected) {
				failure.addSuppressed(rejected);
			}
		}
		call.completeExceptionally(failure);
	}

	private static boolean tryAgain(Throwable failure) {
		return failure instanceof RedisCommandExecutionException && failure.getMessage() != null
				&& failure.getMessage().startsWith("TRYAGAIN");
	}

	/** A script call's future, with what each try needs. */
	private static final class Call<T> extends CompletableFuture<T> {

		final GcraScript script;
		final ScriptOutputType type;
		final String[] keys;
		final String[] args;
		final long start;
		final long triedFrom;

		Call(GcraScript script, ScriptOutputType type, String[] keys, String[] args, long start, long triedFrom) {
			this.script = script;
			this.type = type;
			this.keys = keys;
			this.args = args;
			this.start = start;
			this.triedFrom = triedFrom;
		}
	}
}
