/**
 * The server's endpoints, one small handler each, behind the {@link Endpoint} interface.
 * <p>
 * An endpoint declares the query parameters it accepts and answers an {@link Exchange}: a request
 * that {@link io.gopherflux.server.GopherfluxRoutes} has already validated, attributed to a client
 * and admitted under that client's plan. The streaming endpoints ({@link IntegersEndpoint},
 * {@link PrimesEndpoint}, {@link HeartbeatEndpoint}, {@link WardEndpoint},
 * {@link ReplicatedEndpoint}) each build a {@code Flux} from a pattern of the library and hand it
 * to {@link Streaming}, which negotiates the format, throttles to the plan's element rate, holds a
 * stream slot and turns a failure into a final {@code error} event. {@link IndexEndpoint},
 * {@link HealthEndpoint} and {@link MetricsEndpoint} answer {@code /}, {@code /health} and
 * {@code /metrics}.
 */
package io.gopherflux.server.endpoints;
