package io.gopherflux.samples.context;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.gopherflux.context.Deadline;
import io.gopherflux.context.DeadlineExceededException;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The context package's greeting and farewell: both look up the locale, which takes a minute; the
 * greeting gives its lookup one second (a deadline in the Reactor Context), and when the greeting
 * fails, main cancels the farewell. In the fail-fast variant the lookup compares the time it needs
 * with the deadline and gives up at once instead of waiting for it to pass.
 */
public final class GreetingSample implements Sample {

	private static final Duration LOOKUP_TIME = Duration.ofMinutes(1);

	private final boolean failFast;

	private GreetingSample(boolean failFast) {
		this.failFast = failFast;
	}

	/** The lookup waits until the deadline passes. */
	public static GreetingSample deadline() {
		return new GreetingSample(false);
	}

	/** The lookup fails at once when it could not finish before the deadline. */
	public static GreetingSample failFast() {
		return new GreetingSample(true);
	}

	@Override
	public String name() {
		return failFast ? "context-fail-fast" : "context-deadline";
	}

	@Override
	public String summary() {
		return failFast
				? "ch. 4 The context Package: the locale lookup fails fast when the deadline is too close"
				: "ch. 4 The context Package: greeting with a 1 s deadline, farewell cancelled";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		return Mono.defer(() -> {
			long start = scheduler.now(TimeUnit.MILLISECONDS);
			Sinks.Empty<Void> cancel = Sinks.empty();
			Mono<Void> greeting = printGreeting(out, scheduler).onErrorResume(e -> {
				out.println(at(start, scheduler) + "cannot print greeting: " + e.getMessage());
				cancel.tryEmitEmpty();
				return Mono.empty();
			});
			Mono<Void> farewell = printFarewell(out, scheduler)
					.doOnCancel(() -> out.println(at(start, scheduler) + "cannot print farewell: cancelled"))
					.takeUntilOther(cancel.asMono());
			return Mono.when(greeting, farewell);
		});
	}

	private Mono<Void> printGreeting(PrintStream out, Scheduler scheduler) {
		return locale(scheduler).map(locale -> greeting(locale, "hello"))
				.doOnNext(greeting -> out.println(greeting + " world!"))
				.contextWrite(Deadline.after(Duration.ofSeconds(1), scheduler))
				.then();
	}

	private Mono<Void> printFarewell(PrintStream out, Scheduler scheduler) {
		return locale(scheduler).map(locale -> greeting(locale, "goodbye"))
				.doOnNext(farewell -> out.println(farewell + " world!"))
				.then();
	}

	private static String greeting(String locale, String word) {
		if (!locale.equals("EN/US")) {
			throw new IllegalArgumentException("unsupported locale " + locale);
		}
		return word;
	}

	private Mono<String> locale(Scheduler scheduler) {
		Mono<String> lookup = Mono.delay(LOOKUP_TIME, scheduler).thenReturn("EN/US")
				.transform(Deadline.enforce("locale lookup", scheduler));
		if (!failFast) {
			return lookup;
		}
		return Mono.deferContextual(ctx -> {
			Optional<Duration> left = Deadline.remaining(ctx, scheduler);
			if (left.isPresent() && left.get().compareTo(LOOKUP_TIME) < 0) {
				Instant deadline = Deadline.of(ctx).orElseThrow();
				return Mono.error(DeadlineExceededException.wouldPass("locale lookup", deadline,
						Deadline.now(scheduler), LOOKUP_TIME));
			}
			return lookup;
		});
	}

	private static String at(long start, Scheduler scheduler) {
		return "[" + (scheduler.now(TimeUnit.MILLISECONDS) - start) + " ms] ";
	}
}
