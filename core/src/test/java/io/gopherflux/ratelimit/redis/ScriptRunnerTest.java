package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.gopherflux.ratelimit.NanoClock;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The script runner against scripted Redis answers, in virtual time: EVALSHA, EVAL when Redis
 * forgot the script, TRYAGAIN tried again on the scheduler's time (also when the configured clock
 * stands still) and then given up as an error of the call alone.
 */
class ScriptRunnerTest {

	private static final String[] KEYS = { "k" };
	private static final String[] ARGS = { "1" };

	private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();
	/** Answers in order; each records the command it answered. */
	private final Queue<Supplier<CompletableFuture<Object>>> answers = new ArrayDeque<>();
	private final List<String> sent = new ArrayList<>();
	private final RecordingRedisMetrics metrics = new RecordingRedisMetrics();
	/** The configured clock, held still, as the failure tests hold theirs. */
	private final NanoClock stillClock = () -> 42L;

	@AfterEach
	void dispose() {
		scheduler.dispose();
	}

	private ScriptRunner runner(Duration timeout) {
		return new ScriptRunner(new FakeEndpoint(commands(), scheduler), metrics, stillClock, scheduler, timeout);
	}

	@SuppressWarnings("unchecked")
	private RedisClusterAsyncCommands<String, String> commands() {
		return (RedisClusterAsyncCommands<String, String>) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { RedisClusterAsyncCommands.class }, (proxy, method, args) -> {
					if (!method.getName().equals("evalsha") && !method.getName().equals("eval")) {
						throw new UnsupportedOperationException(method.getName());
					}
					sent.add(method.getName());
					Supplier<CompletableFuture<Object>> answer = answers.poll();
					if (answer == null) {
						throw new AssertionError("no answer left for " + method.getName());
					}
					return new Answer<>(answer.get());
				});
	}

	private void answer(Object value) {
		answers.add(() -> CompletableFuture.completedFuture(value));
	}

	private void fail(Throwable error) {
		answers.add(() -> CompletableFuture.failedFuture(error));
	}

	private static RedisCommandExecutionException tryAgain() {
		return new RedisCommandExecutionException("TRYAGAIN Multiple keys request during rehashing of slot");
	}

	@Test
	void oneEvalshaWhenRedisKnowsTheScript() throws Exception {
		answer("ok");

		CompletableFuture<String> call = runner(Duration.ofSeconds(1)).run(GcraScript.RESERVE, ScriptOutputType.VALUE, KEYS, ARGS);

		assertThat(call.get(1, TimeUnit.SECONDS)).isEqualTo("ok");
		assertThat(sent).containsExactly("evalsha");
		assertThat(metrics.reloads).hasValue(0);
		assertThat(metrics.roundTrips).hasValue(1);
	}

	@Test
	void noScriptIsAnsweredWithEvalOnce() throws Exception {
		fail(new RedisNoScriptException("NOSCRIPT No matching script. Please use EVAL."));
		answer("ok");

		CompletableFuture<String> call = runner(Duration.ofSeconds(1)).run(GcraScript.RESERVE, ScriptOutputType.VALUE, KEYS, ARGS);

		assertThat(call.get(1, TimeUnit.SECONDS)).isEqualTo("ok");
		assertThat(sent).containsExactly("evalsha", "eval");
		assertThat(metrics.reloads).hasValue(1);
	}

	@Test
	void tryAgainIsTriedAgainAfterADelayOnTheSchedulersTime() throws Exception {
		fail(tryAgain());
		fail(tryAgain());
		answer("ok");

		CompletableFuture<String> call = runner(Duration.ofSeconds(1)).run(GcraScript.RESERVE, ScriptOutputType.VALUE, KEYS, ARGS);

		assertThat(call).isNotDone();
		assertThat(sent).containsExactly("evalsha");
		scheduler.advanceTimeBy(ScriptRunner.TRY_AGAIN_DELAY);
		assertThat(sent).containsExactly("evalsha", "evalsha");
		scheduler.advanceTimeBy(ScriptRunner.TRY_AGAIN_DELAY);
		assertThat(call.get(1, TimeUnit.SECONDS)).isEqualTo("ok");
		assertThat(sent).containsExactly("evalsha", "evalsha", "evalsha");
	}

	@Test
	void tryAgainIsGivenUpAfterHalfTheTimeoutThoughTheConfiguredClockStandsStill() {
		Duration timeout = Duration.ofMillis(100);
		for (int i = 0; i < 100; i++) {
			fail(tryAgain());
		}

		CompletableFuture<String> call = runner(timeout).run(GcraScript.RESERVE, ScriptOutputType.VALUE, KEYS, ARGS);
		scheduler.advanceTimeBy(timeout);

		assertThat(call).isCompletedExceptionally();
		assertThatThrownBy(call::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage(tryAgain().getMessage());
		long tries = timeout.dividedBy(2).dividedBy(ScriptRunner.TRY_AGAIN_DELAY);
		assertThat((long) sent.size()).as("one try, then one per delay within half the timeout").isBetween(tries - 1, tries);
		assertThat(FailureKind.of(FailureKind.unwrap(catchCause(call)))).as("no outage: a slot moving").isEqualTo(FailureKind.CALL);
	}

	@Test
	void otherErrorsAreNotTriedAgain() {
		fail(new RedisCommandExecutionException("CROSSSLOT Keys in request don't hash to the same slot"));

		CompletableFuture<String> call = runner(Duration.ofSeconds(1)).run(GcraScript.RESERVE, ScriptOutputType.VALUE, KEYS, ARGS);
		scheduler.advanceTimeBy(Duration.ofSeconds(1));

		assertThat(call).isCompletedExceptionally();
		assertThat(sent).containsExactly("evalsha");
	}

	private static Throwable catchCause(CompletableFuture<?> call) {
		try {
			call.get();
			throw new AssertionError("expected a failure");
		}
		catch (ExecutionException e) {
			return e.getCause();
		}
		catch (InterruptedException e) {
			throw new AssertionError(e);
		}
	}

	/** A Lettuce future over a completed or failed CompletableFuture. */
	static final class Answer<T> extends CompletableFuture<T> implements RedisFuture<T> {

		Answer(CompletableFuture<T> outcome) {
			outcome.whenComplete((value, error) -> {
				if (error != null) {
					completeExceptionally(error);
				}
				else {
					complete(value);
				}
			});
		}

		@Override
		public String getError() {
			return isCompletedExceptionally() ? "error" : null;
		}

		@Override
		public boolean await(long timeout, TimeUnit unit) {
			return isDone();
		}
	}

	/** An endpoint on a lent connection whose commands are {@code commands}. */
	static final class FakeEndpoint extends RedisEndpoint<StatefulConnection<String, String>> {

		private final RedisClusterAsyncCommands<String, String> commands;

		@SuppressWarnings("unchecked")
		FakeEndpoint(RedisClusterAsyncCommands<String, String> commands, VirtualTimeScheduler scheduler) {
			super("fake", null, (StatefulConnection<String, String>) Proxy.newProxyInstance(FakeEndpoint.class.getClassLoader(),
					new Class<?>[] { StatefulConnection.class }, (proxy, method, args) -> {
						throw new UnsupportedOperationException(method.getName());
					}), List.of(), scheduler, Duration.ofSeconds(1));
			this.commands = commands;
		}

		@Override
		RedisClusterAsyncCommands<String, String> commandsOf(StatefulConnection<String, String> connection) {
			// Called from the super constructor, before this.commands is set: read lazily through a proxy.
			return (RedisClusterAsyncCommands<String, String>) Proxy.newProxyInstance(FakeEndpoint.class.getClassLoader(),
					new Class<?>[] { RedisClusterAsyncCommands.class }, (proxy, method, args) -> method.invoke(this.commands, args));
		}

		@Override
		CompletionStage<?> probe(StatefulConnection<String, String> connection) {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		boolean cluster() {
			return true;
		}
	}
}
