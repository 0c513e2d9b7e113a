/**
 * JMH benchmarks, each setting a gopherflux type against the Reactor operator it is closest to or
 * against a peer library, measured in the same run: {@link TeeBenchmark}, {@link BridgeBenchmark}
 * and {@link RateLimiterBenchmark} among them. {@link RedisRateLimiterBenchmark} and
 * {@link RedisRoundTrips} need a local {@code redis-server} ({@code benchmarks/redis-bench.sh}
 * starts one). The figures and the commands that produced them are in {@code docs/benchmarks.md}.
 */
package io.gopherflux.benchmarks;
