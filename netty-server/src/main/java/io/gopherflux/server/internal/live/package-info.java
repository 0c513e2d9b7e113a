/**
 * The live page: what {@code GET /} shows a browser. {@link LivePage} serves one static HTML page
 * whose script watches the server's streams (heartbeat pulses and values, the ward's restarts,
 * a throttled integers stream with the client's remaining quota, replicated requests' winners);
 * {@link IndexFormat} decides between the page and the JSON list of endpoints.
 */
package io.gopherflux.server.internal.live;
