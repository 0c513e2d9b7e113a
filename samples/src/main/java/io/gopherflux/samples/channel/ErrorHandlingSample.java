package io.gopherflux.samples.channel;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Error handling in concurrent code: the worker does not decide what an error means; it couples
 * each outcome with its possible error in a result value and lets the consumer, who knows more,
 * decide (here: report each error, and stop after three).
 * <p>
 * The HTTP calls of the book are simulated by a fixed table so the sample runs offline.
 */
public final class ErrorHandlingSample implements Sample {

	/** A response or the error that prevented it, never both. */
	record Result(String url, String status, String error) {
	}

	private static final Map<String, String> STATUS = Map.of(
			"https://www.example.com", "200 OK",
			"https://www.example.org", "200 OK");

	@Override
	public String name() {
		return "error-handling";
	}

	@Override
	public String summary() {
		return "ch. 4 Error Handling: results carry their errors to a consumer who decides";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		List<String> urls = List.of("https://www.example.com", "https://badhost", "https://www.example.org",
				"https://a", "https://b", "https://c", "https://d");
		AtomicInteger errors = new AtomicInteger();
		return checkStatus(urls)
				.takeWhile(result -> {
					if (result.error() == null) {
						out.println("response: " + result.status());
						return true;
					}
					out.println("error: " + result.error());
					if (errors.incrementAndGet() >= 3) {
						out.println("too many errors, stopping");
						return false;
					}
					return true;
				})
				.then();
	}

	// The worker: one Result per URL, whatever happened; it never throws and never logs.
	private static Flux<Result> checkStatus(List<String> urls) {
		return Flux.fromIterable(urls).map(url -> {
			String status = STATUS.get(url);
			return status != null ? new Result(url, status, null)
					: new Result(url, null, "lookup " + url.substring("https://".length()) + ": no such host");
		});
	}
}
