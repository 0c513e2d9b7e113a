package io.gopherflux.server.limit;

import java.time.Duration;

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
	 * @param client who the request counts against
	 * @param plan   the client's plan
	 * @return the decision, taken when subscribed; an error only when the limiter cannot decide
	 * ({@link io.gopherflux.ratelimit.redis.RateLimiterUnavailableException} when Redis is unavailable
	 * and the policy is to fail closed)
	 */
	Mono<Admission> admit(String client, Plan plan);

	/**
	 * How long a client refused because the limiter cannot decide is told to wait.
	 *
	 * @return the wait, one second unless the limiter knows better
	 */
	default Duration retryWhenUnavailable() {
		return Duration.ofSeconds(1);
	}

	/**
	 * What {@code /health} says about this limiter: its kind and, while it cannot decide on its own,
	 * that it cannot and what decides instead (for example {@code redis-unavailable, fail-closed}).
	 * Read on every health request: cheap, never blocking.
	 *
	 * @return the state, by default the limiter's class name
	 */
	default String state() {
		return getClass().getSimpleName();
	}

	/** Frees the limiter's resources. */
	@Override
	default void close() {
	}
}
