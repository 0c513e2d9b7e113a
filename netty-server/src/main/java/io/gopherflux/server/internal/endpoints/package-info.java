/**
 * Internal, not an API: public only because Java needs it across packages; it may change in any
 * release without notice, and the published javadoc leaves it out. The API is {@code io.gopherflux.server},
 * {@code io.gopherflux.server.http} and {@code io.gopherflux.server.limit}.
 * <p>
 * The server's own endpoints, each registered through
 * {@link io.gopherflux.server.GopherfluxRoutes.Builder} as any user's would be.
 * <p>
 * The book's patterns as streams ({@link IntegersEndpoint}, {@link PrimesEndpoint},
 * {@link HeartbeatEndpoint}, {@link WardEndpoint}, {@link ReplicatedEndpoint}) each declare their
 * parameters, build a {@code Flux} from a pattern of the library and say how a client resumes
 * after its last event; {@link Streaming} sends a stream the way every stream is sent.
 * {@link IndexEndpoint}, {@link HealthEndpoint} and {@link MetricsEndpoint} answer {@code /},
 * {@code /health} and {@code /metrics}.
 */
package io.gopherflux.server.internal.endpoints;
