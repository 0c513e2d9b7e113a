package io.gopherflux.server.limit;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@link LimitMetrics} on a Micrometer registry. Every counter is registered up front, so that a
 * scrape shows it at zero before anything happened. Meters (Prometheus names):
 * <ul>
 * <li>{@value #REFUSED_REQUESTS} ({@code gopherflux_server_refused_requests_total}), tagged
 * {@code reason=too-many-streams|unknown-api-key|limiter-unavailable};</li>
 * <li>{@value #OVERFLOW_REQUESTS} ({@code gopherflux_server_limiter_overflow_requests_total});</li>
 * <li>{@value #REFUSED_CONNECTIONS} ({@code gopherflux_server_refused_connections_total});</li>
 * <li>{@value #CLOSED_CONNECTIONS} ({@code gopherflux_server_closed_connections_total}), tagged
 * {@code reason=header-read-timeout|idle-timeout};</li>
 * <li>the gauges {@value #LIMITER_CLIENTS} and {@value #OPEN_CONNECTIONS}, bound with
 * {@link #limiterClients(IntSupplier)} and {@link #openConnections(IntSupplier)}.</li>
 * </ul>
 */
public final class MicrometerLimitMetrics implements LimitMetrics {

	/** Requests refused other than by their rate limit. */
	public static final String REFUSED_REQUESTS = "gopherflux.server.refused.requests";
	/** Requests decided on an overflow budget. */
	public static final String OVERFLOW_REQUESTS = "gopherflux.server.limiter.overflow.requests";
	/** Connections closed at once by the per-address cap. */
	public static final String REFUSED_CONNECTIONS = "gopherflux.server.refused.connections";
	/** Connections the server closed on a timeout. */
	public static final String CLOSED_CONNECTIONS = "gopherflux.server.closed.connections";
	/** Clients the in-memory limiter tracks now. */
	public static final String LIMITER_CLIENTS = "gopherflux.server.limiter.clients";
	/** Connections open now. */
	public static final String OPEN_CONNECTIONS = "gopherflux.server.open.connections";

	private final MeterRegistry registry;
	private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);
	private final Map<Closure, Counter> closed = new EnumMap<>(Closure.class);
	private final Counter overflowed;
	private final Counter connectionRefused;

	/** @param registry where the meters are registered (registering twice on one registry is harmless) */
	public MicrometerLimitMetrics(MeterRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
		for (Refusal reason : Refusal.values()) {
			refused.put(reason, Counter.builder(REFUSED_REQUESTS)
					.description("Requests refused other than by their rate limit: too many open streams (429), "
							+ "an unknown API key (401), an unavailable fail-closed limiter (503)")
					.baseUnit("requests")
					.tag("reason", reason.tag())
					.register(registry));
		}
		for (Closure reason : Closure.values()) {
			closed.put(reason, Counter.builder(CLOSED_CONNECTIONS)
					.description("Connections the server closed because the client held them without a request")
					.baseUnit("connections")
					.tag("reason", reason.tag())
					.register(registry));
		}
		overflowed = Counter.builder(OVERFLOW_REQUESTS)
				.description("Requests decided on the shared budget of their address prefix because the client table was full")
				.baseUnit("requests")
				.register(registry);
		connectionRefused = Counter.builder(REFUSED_CONNECTIONS)
				.description("Connections closed at once because their address had as many open as allowed")
				.baseUnit("connections")
				.register(registry);
	}

	/**
	 * Binds the gauge of the clients the in-memory limiter tracks.
	 *
	 * @param clients reads the number of tracked clients; called at each scrape
	 * @return this, to bind more
	 */
	public MicrometerLimitMetrics limiterClients(IntSupplier clients) {
		Objects.requireNonNull(clients, "clients");
		Gauge.builder(LIMITER_CLIENTS, clients::getAsInt)
				.description("Clients the in-memory rate limiter tracks now (bounded by max-clients)")
				.baseUnit("clients")
				.register(registry);
		return this;
	}

	/**
	 * Binds the gauge of open connections.
	 *
	 * @param connections reads the number of open connections; called at each scrape
	 * @return this, to bind more
	 */
	public MicrometerLimitMetrics openConnections(IntSupplier connections) {
		Objects.requireNonNull(connections, "connections");
		Gauge.builder(OPEN_CONNECTIONS, connections::getAsInt)
				.description("HTTP connections open now")
				.baseUnit("connections")
				.register(registry);
		return this;
	}

	@Override
	public void refused(Refusal reason) {
		refused.get(reason).increment();
	}

	@Override
	public void overflowed() {
		overflowed.increment();
	}

	@Override
	public void connectionRefused() {
		connectionRefused.increment();
	}

	@Override
	public void connectionClosed(Closure reason) {
		closed.get(reason).increment();
	}
}
