package io.gopherflux.server.endpoints;

import java.util.Set;

import org.reactivestreams.Publisher;

/**
 * One endpoint of the server: the query parameters it takes and what it answers. Parsing,
 * client identification, admission and error rendering happen before and around it, in
 * {@link io.gopherflux.server.GopherfluxRoutes}; a handler throws (or signals) a
 * {@link io.gopherflux.server.http.ProblemException} to refuse a request.
 */
public interface Endpoint {

	/** The query parameters this endpoint accepts; any other is a 400. */
	Set<String> parameters();

	/** Answers the request. */
	Publisher<Void> handle(Exchange exchange);
}
