package io.gopherflux.server;

import java.nio.channels.ClosedChannelException;
import java.util.Map;

import io.gopherflux.errors.ErrorReport;
import io.gopherflux.server.http.Problem;
import io.gopherflux.server.http.ProblemException;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The one place errors become responses: a {@link ProblemException} is its problem+json; anything else is a bug,
 * answered 500 with a log ID matching the logged stack trace. After the header fields are sent
 * an error can only end the response: it is logged, unless the client merely left.
 */
final class ErrorResponses {

	private static final Logger LOG = Loggers.getLogger(ErrorResponses.class);

	private ErrorResponses() {
	}

	/** A connection the client closed or reset under a response: neither a bug nor anything to answer. */
	static boolean clientLeft(Throwable error) {
		return error instanceof AbortedException || error instanceof ClosedChannelException
				|| AbortedException.isConnectionReset(error);
	}

	/** Answers {@code error} as problem+json, or ends a response already under way. */
	static Mono<Void> send(HttpServerRequest request, HttpServerResponse response, Throwable error) {
		if (response.hasSentHeaders()) {
			if (clientLeft(error)) {
				LOG.debug("{} {}: the client left mid-response: {}", request.method(), path(request), error.toString());
			}
			else {
				ErrorReport.of(error).log(LOG);
			}
			return Mono.error(error);
		}
		Problem problem;
		Map<String, String> headers = Map.of();
		if (error instanceof ProblemException refusal) {
			problem = refusal.problem();
			headers = refusal.headers();
			// A problem that carries a log ID was logged where it arose (once per outage, not per refusal).
			if (problem.status() >= 500 && !problem.extensions().containsKey("logId")) {
				ErrorReport report = ErrorReport.of(refusal.getCause() != null ? refusal.getCause() : refusal).log(LOG);
				problem = problem.with("logId", report.id());
			}
		}
		else {
			ErrorReport report = ErrorReport.of(error).log(LOG);
			problem = new Problem(500, "internal-error", "Internal server error",
					report.userMessage(), Map.of("logId", report.id()));
		}
		headers.forEach(response::header);
		return problem.send(response, path(request));
	}

	/** The request's path, or null when it is not a valid URI path (Reactor Netty refuses to decode it). */
	static String path(HttpServerRequest request) {
		try {
			return request.fullPath();
		}
		catch (IllegalArgumentException e) {
			return null;
		}
	}
}
