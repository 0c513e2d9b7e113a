package io.gopherflux.server.limit;

import reactor.core.publisher.Mono;

/**
 * Admits or refuses a client's request under its plan. Implementations: {@link InMemoryClientLimiter}
 * (one process) and {@link RedisClientLimiter} (shared through Redis).
 */
public interface ClientLimiter extends AutoCloseable {

	/**
	 * Decides on one request of {@code client} under {@code plan}: takes one token from every quota
	 * if all have one, nothing otherwise.
	 *
	 * @return the decision; an error only when the limiter cannot decide (e.g. Redis is unavailable
	 * and the policy is to fail closed)
	 */
	Mono<Admission> admit(String client, Plan plan);

	/** Frees the limiter's resources. */
	@Override
	default void close() {
	}
}
