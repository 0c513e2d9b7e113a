package io.gopherflux.server;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.gopherflux.ratelimit.redis.RateLimiterUnavailableException;
import io.gopherflux.server.http.Problem;
import io.gopherflux.server.http.ProblemException;
import io.gopherflux.server.internal.http.QueryParameters;
import io.gopherflux.server.internal.http.RequestHeaders;
import io.gopherflux.server.limit.Admission;
import io.gopherflux.server.internal.limit.ClientKeys;
import io.gopherflux.server.limit.ClientLimiter;
import io.gopherflux.server.limit.LimitMetrics;
import io.gopherflux.server.limit.Plan;
import io.gopherflux.server.limit.Plans;
import io.gopherflux.server.internal.limit.RateLimitHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * What every request goes through before its handler: the query is validated against the route's
 * declared parameters (400 naming the parameter), the client identified, and on a stream admitted
 * by the {@link ClientLimiter} when the response is subscribed (429 with {@code Retry-After},
 * {@code RateLimit-Policy} and {@code RateLimit} when refused; the latter two on every admitted
 * response). An {@code X-Api-Key} that is none of the configured keys is charged to the client's
 * address and, if admitted, answered 401. Any error becomes a response in {@link ErrorResponses}.
 */
final class RequestPipeline {

	private final Plans plans;
	private final ClientKeys clientKeys;
	private final ClientLimiter limiter;
	private final Map<String, String> policies;
	private final LimitMetrics limitMetrics;
	private final LimiterOutages outages;

	RequestPipeline(Plans plans, ClientKeys clientKeys, ClientLimiter limiter, LimitMetrics limitMetrics) {
		this.plans = plans;
		this.clientKeys = clientKeys;
		this.limiter = limiter;
		this.limitMetrics = limitMetrics;
		this.outages = new LimiterOutages(limitMetrics, limiter.retryWhenUnavailable());
		this.policies = plans.plans().values().stream()
				.collect(Collectors.toUnmodifiableMap(Plan::name, RateLimitHeaders::policy));
	}

	/** Answers a GET or HEAD request on {@code route}. */
	Publisher<Void> handle(Route route, HttpServerRequest request, HttpServerResponse response) {
		try {
			QueryParameters query = QueryParameters.parse(request.uri(), route.parameters().names());
			Map<String, Object> values = route.parameters().read(query);
			String apiKey = RequestHeaders.single(request.requestHeaders(), ClientKeys.API_KEY);
			String client = clientKeys.clientKey(apiKey, forwardedFor(request), request.remoteAddress());
			Plan plan = plans.planFor(apiKey);
			Exchange exchange = new Exchange(request, response, query, values, client, plan);
			if (!route.stream()) {
				return Mono.defer(() -> Mono.from(route.handler().apply(exchange)))
						.onErrorResume(e -> ErrorResponses.send(request, response, e));
			}
			boolean unknownKey = clientKeys.unknown(apiKey);
			// Lazy: nothing is taken from the client's quota before the response is subscribed.
			return Mono.defer(() -> limiter.admit(client, plan))
					.doOnNext(admission -> outages.decided())
					.onErrorMap(RateLimiterUnavailableException.class, outages::refusal)
					.flatMap(admission -> admitted(route, exchange, admission, unknownKey))
					.onErrorResume(e -> ErrorResponses.send(request, response, e));
		}
		catch (RuntimeException e) {
			return ErrorResponses.send(request, response, e);
		}
	}

	/** The 405 of a method other than GET, HEAD and OPTIONS on a known path. */
	static Mono<Void> methodNotAllowed(HttpServerRequest request, HttpServerResponse response, String allow) {
		return ErrorResponses.send(request, response, new ProblemException(Problem.of(405, "method-not-allowed",
				"Method not allowed", request.method().name() + " is not allowed on " + ErrorResponses.path(request)
						+ "; use GET"),
				Map.of(HttpHeaderNames.ALLOW.toString(), allow)));
	}

	static boolean readOnly(HttpServerRequest request) {
		return request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
	}

	private Mono<Void> admitted(Route route, Exchange exchange, Admission admission, boolean unknownKey) {
		HttpServerResponse response = exchange.response();
		response.header(RateLimitHeaders.POLICY, policies.get(admission.plan().name()))
				.header(RateLimitHeaders.STATE, RateLimitHeaders.state(admission));
		if (!admission.allowed()) {
			long seconds = RateLimitHeaders.retryAfterSeconds(admission);
			return Mono.error(new ProblemException(
					Problem.of(429, "rate-limited", "Too many requests", "plan '" + admission.plan().name()
							+ "' allows " + describe(admission.plan()) + "; retry in " + seconds + " s")
							.with("retryAfter", seconds),
					Map.of(RateLimitHeaders.RETRY_AFTER, Long.toString(seconds))));
		}
		if (unknownKey) {
			limitMetrics.refused(LimitMetrics.Refusal.UNKNOWN_API_KEY);
			return Mono.error(ClientKeys.unknownApiKey());
		}
		return Mono.from(route.handler().apply(exchange));
	}

	private static String describe(Plan plan) {
		return plan.quotas().stream().map(q -> q.quota() + " requests per " + q.windowSeconds() + " s")
				.collect(Collectors.joining(" and "));
	}

	private static String forwardedFor(HttpServerRequest request) {
		List<String> all = request.requestHeaders().getAll("X-Forwarded-For");
		return all.isEmpty() ? null : String.join(",", all);
	}
}
