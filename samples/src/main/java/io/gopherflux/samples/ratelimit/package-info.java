/**
 * Example of rate limiting: {@link ApiConnectionSample} makes the same calls with no limit, one
 * limiter, tiers combined in a multi-limiter, and one limiter per resource, and prints when each
 * call went through.
 */
package io.gopherflux.samples.ratelimit;
