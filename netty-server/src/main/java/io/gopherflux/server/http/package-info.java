/**
 * API: what a stream's elements and a refusal look like on the wire.
 * <p>
 * An {@link EventEncoder} writes an element's JSON and names its SSE event and ID;
 * {@link Encoders} makes the usual ones: whole numbers written digit by digit, and any record or
 * POJO written by Jackson into the write batch ({@link JsonEncoder}). A {@link StreamFormat}
 * (Server-Sent Events or NDJSON) frames them. A handler refuses a request by throwing a
 * {@link ProblemException} carrying a {@link Problem}, sent as {@code application/problem+json};
 * {@link CorsConfig} says which browser origins may read the responses.
 */
package io.gopherflux.server.http;
