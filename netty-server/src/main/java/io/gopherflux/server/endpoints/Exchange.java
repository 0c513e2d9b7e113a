package io.gopherflux.server.endpoints;

import java.util.Objects;

import io.gopherflux.server.http.QueryParameters;
import io.gopherflux.server.limit.Plan;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * One request as an endpoint sees it: already parsed, identified and admitted.
 *
 * @param request  the request
 * @param response the response, with the rate-limit header fields already set
 * @param query    the validated query parameters
 * @param client   who the request counts against ({@code key:...} or {@code ip:...})
 * @param plan     the client's plan
 */
public record Exchange(HttpServerRequest request, HttpServerResponse response, QueryParameters query, String client,
		Plan plan) {

	/** @throws NullPointerException if an argument is null */
	public Exchange {
		Objects.requireNonNull(request, "request");
		Objects.requireNonNull(response, "response");
		Objects.requireNonNull(query, "query");
		Objects.requireNonNull(client, "client");
		Objects.requireNonNull(plan, "plan");
	}
}
