package io.gopherflux.server.limit;

import io.gopherflux.server.internal.http.Durations;
import java.time.Duration;
import java.util.Objects;


/**
 * How long, and how many at once, a client may hold the server's connections without using them.
 *
 * @param headerReadTimeout        how long a client may take to send a request head in full:
 *                                 from the connection's start for its first request, from the
 *                                 first byte for the next ones on a kept-alive connection (a body,
 *                                 if any, gets as long again)
 * @param idleTimeout              how long a connection may stay silent between requests before
 *                                 the server closes it; a response being sent is never idle
 * @param maxConnectionsPerAddress the most connections open at once from one address (one IPv6
 *                                 /64); trusted proxies are exempt
 */
public record ConnectionLimits(Duration headerReadTimeout, Duration idleTimeout, int maxConnectionsPerAddress) {

	/** The shortest timeout: below it, a busy machine would close connections of polite clients. */
	public static final Duration MIN_TIMEOUT = Duration.ofMillis(10);

	/**
	 * Validates the limits.
	 *
	 * @param headerReadTimeout        how long a client may take to send a request head in full; at
	 *                                 least {@link #MIN_TIMEOUT}
	 * @param idleTimeout              how long a connection may stay silent between requests; at least
	 *                                 {@link #MIN_TIMEOUT}
	 * @param maxConnectionsPerAddress the most connections open at once from one address; at least 1
	 * @throws IllegalArgumentException naming the bad field
	 */
	public ConnectionLimits {
		Objects.requireNonNull(headerReadTimeout, "headerReadTimeout");
		Objects.requireNonNull(idleTimeout, "idleTimeout");
		if (headerReadTimeout.compareTo(MIN_TIMEOUT) < 0) {
			throw new IllegalArgumentException("header-read timeout must be at least " + Durations.format(MIN_TIMEOUT)
					+ ", was " + Durations.format(headerReadTimeout));
		}
		if (idleTimeout.compareTo(MIN_TIMEOUT) < 0) {
			throw new IllegalArgumentException("idle timeout must be at least " + Durations.format(MIN_TIMEOUT)
					+ ", was " + Durations.format(idleTimeout));
		}
		if (maxConnectionsPerAddress < 1) {
			throw new IllegalArgumentException("max connections per address must be at least 1, was "
					+ maxConnectionsPerAddress);
		}
	}

	/**
	 * 10 s to send a request head, 60 s idle between requests, 256 connections per address.
	 *
	 * @return the default limits
	 */
	public static ConnectionLimits defaults() {
		return new ConnectionLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), 256);
	}

	/**
	 * The same limits with another header-read timeout.
	 *
	 * @param headerReadTimeout how long a client may take to send a request head in full
	 * @return a copy with {@code headerReadTimeout} changed
	 */
	public ConnectionLimits withHeaderReadTimeout(Duration headerReadTimeout) {
		return new ConnectionLimits(headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
	}

	/**
	 * The same limits with another idle timeout.
	 *
	 * @param idleTimeout how long a connection may stay silent between requests
	 * @return a copy with {@code idleTimeout} changed
	 */
	public ConnectionLimits withIdleTimeout(Duration idleTimeout) {
		return new ConnectionLimits(headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
	}

	/**
	 * The same limits with another cap on connections per address.
	 *
	 * @param maxConnectionsPerAddress the most connections open at once from one address
	 * @return a copy with {@code maxConnectionsPerAddress} changed
	 */
	public ConnectionLimits withMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
		return new ConnectionLimits(headerReadTimeout, idleTimeout, maxConnectionsPerAddress);
	}
}
