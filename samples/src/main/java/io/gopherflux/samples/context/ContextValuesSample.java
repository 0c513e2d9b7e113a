package io.gopherflux.samples.context;

import java.io.PrintStream;

import io.gopherflux.samples.Sample;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Request-scoped values in the Reactor Context, under keys private to the code that owns them and
 * read through accessors, as the book advises for Go's {@code context.WithValue}.
 */
public final class ContextValuesSample implements Sample {

	/** A key type of our own, so that no other code can collide with these keys. */
	private enum Key {
		USER_ID, AUTH_TOKEN
	}

	@Override
	public String name() {
		return "context-values";
	}

	@Override
	public String summary() {
		return "ch. 4 The context Package: request-scoped values with private keys";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		return processRequest("jane", "abc123", out);
	}

	static Mono<Void> processRequest(String userId, String authToken, PrintStream out) {
		return handleResponse(out).contextWrite(Context.of(Key.USER_ID, userId, Key.AUTH_TOKEN, authToken));
	}

	static Mono<Void> handleResponse(PrintStream out) {
		return Mono.deferContextual(ctx -> {
			out.printf("handling response for %s (%s)%n", userId(ctx), authToken(ctx));
			return Mono.empty();
		});
	}

	static String userId(ContextView ctx) {
		return ctx.get(Key.USER_ID);
	}

	static String authToken(ContextView ctx) {
		return ctx.get(Key.AUTH_TOKEN);
	}
}
