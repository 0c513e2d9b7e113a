package io.gopherflux.server;

import java.util.Objects;
import java.util.function.Function;

import org.reactivestreams.Publisher;

/**
 * One endpoint at one path: its declared parameters and its handler. A stream's route is admitted
 * by the client limiter; a plain endpoint's is not.
 *
 * @param path       the path it answers
 * @param stream     whether it is a stream (admitted, counted against the plan)
 * @param parameters its declared query parameters
 * @param handler    what answers an exchange
 */
record Route(String path, boolean stream, Parameters parameters, Function<Exchange, Publisher<Void>> handler) {

	Route {
		Objects.requireNonNull(path, "path");
		Objects.requireNonNull(parameters, "parameters");
		Objects.requireNonNull(handler, "handler");
		if (!path.startsWith("/")) {
			throw new IllegalArgumentException("path must start with '/', was '" + path + "'");
		}
	}
}
