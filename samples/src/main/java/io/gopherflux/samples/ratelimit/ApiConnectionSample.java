package io.gopherflux.samples.ratelimit;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.LocalRateLimiter;
import io.gopherflux.ratelimit.MultiLimiter;
import io.gopherflux.ratelimit.RateLimiter;
import io.gopherflux.ratelimit.TokenBucket;
import io.gopherflux.ratelimit.TokenBucketConfig;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The book's rate-limited API client: ten {@code ReadFile} and ten {@code ResolveAddress} calls
 * made at once, each printed with the time it went through (elapsed hours:minutes:seconds).
 * <p>
 * Four set-ups, as in the book: no limit; one limiter of 1 per second; the tiers 2 per second
 * and 10 per minute combined in a {@link MultiLimiter}; and separate API, disk and network limiters
 * combined per call. Calls are started in the book's order (the ten reads, then the ten
 * resolutions); where Go's scheduler interleaves its goroutines at random, here the limiters
 * grant them in that order, so the output is the same on every run.
 */
public final class ApiConnectionSample implements Sample {

	private enum Setup {
		NONE, ONE, TIERS, RESOURCES
	}

	private final Setup setup;

	private ApiConnectionSample(Setup setup) {
		this.setup = setup;
	}

	/** The client with no rate limit: every call goes through at once. */
	public static ApiConnectionSample unlimited() {
		return new ApiConnectionSample(Setup.NONE);
	}

	/** One limiter for every call: 1 per second, burst 1. */
	public static ApiConnectionSample oneLimiter() {
		return new ApiConnectionSample(Setup.ONE);
	}

	/** Tiers in a MultiLimiter: 2 per second (burst 1) and 10 per minute (burst 10). */
	public static ApiConnectionSample tiers() {
		return new ApiConnectionSample(Setup.TIERS);
	}

	/** Separate limiters for the API, the disk and the network, combined per call. */
	public static ApiConnectionSample resources() {
		return new ApiConnectionSample(Setup.RESOURCES);
	}

	@Override
	public String name() {
		return switch (setup) {
			case NONE -> "rate-limit-none";
			case ONE -> "rate-limit-one";
			case TIERS -> "rate-limit-tiers";
			case RESOURCES -> "rate-limit-resources";
		};
	}

	@Override
	public String summary() {
		return switch (setup) {
			case NONE -> "Rate limiting: an API client with no limit, 20 calls at once";
			case ONE -> "Rate limiting: the API client behind one limiter of 1/s";
			case TIERS -> "Rate limiting: a MultiLimiter of 2/s and 10/min";
			case RESOURCES -> "Rate limiting: API, disk and network limiters combined per call";
		};
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		return Mono.defer(() -> {
			long start = scheduler.now(TimeUnit.MILLISECONDS);
			ApiConnection api = open(scheduler);
			Mono<Void> reads = Flux.range(0, 10)
					.flatMap(i -> api.readFile().then(log(out, scheduler, start, "ReadFile")))
					.then();
			Mono<Void> resolutions = Flux.range(0, 10)
					.flatMap(i -> api.resolveAddress().then(log(out, scheduler, start, "ResolveAddress")))
					.then();
			return Mono.when(reads, resolutions).then(log(out, scheduler, start, "Done."));
		});
	}

	private static Mono<Void> log(PrintStream out, Scheduler scheduler, long start, String what) {
		return Mono.fromRunnable(() -> {
			long seconds = (scheduler.now(TimeUnit.MILLISECONDS) - start) / 1000;
			out.printf("%02d:%02d:%02d %s%n", seconds / 3600, seconds / 60 % 60, seconds % 60, what);
		});
	}

	private ApiConnection open(Scheduler scheduler) {
		return switch (setup) {
			case NONE -> new ApiConnection(null, null);
			case ONE -> {
				RateLimiter limiter = limiter("api", Limit.of(1), 1, scheduler);
				yield new ApiConnection(limiter, limiter);
			}
			case TIERS -> {
				RateLimiter limiter = MultiLimiter.of(limiter("per-second", Limit.per(2, Duration.ofSeconds(1)), 1, scheduler),
						limiter("per-minute", Limit.per(10, Duration.ofMinutes(1)), 10, scheduler));
				yield new ApiConnection(limiter, limiter);
			}
			case RESOURCES -> {
				LocalRateLimiter apiLimit = MultiLimiter.of(limiter("api-second", Limit.per(2, Duration.ofSeconds(1)), 2, scheduler),
						limiter("api-minute", Limit.per(10, Duration.ofMinutes(1)), 10, scheduler));
				LocalRateLimiter diskLimit = limiter("disk", Limit.of(1), 1, scheduler);
				LocalRateLimiter networkLimit = limiter("network", Limit.per(3, Duration.ofSeconds(1)), 3, scheduler);
				yield new ApiConnection(MultiLimiter.of(apiLimit, diskLimit), MultiLimiter.of(apiLimit, networkLimit));
			}
		};
	}

	private static LocalRateLimiter limiter(String name, Limit limit, int burst, Scheduler scheduler) {
		// Timers, and with them the clock, from the sample's scheduler: virtual time in its test.
		return TokenBucket.of(TokenBucketConfig.builder(limit, burst).name(name).scheduler(scheduler).build());
	}

	/** The book's client: each call first waits for its limiter (none: no wait), then does its pretend work. */
	private record ApiConnection(RateLimiter readFileLimit, RateLimiter resolveAddressLimit) {

		Mono<Void> readFile() {
			return readFileLimit == null ? Mono.empty() : readFileLimit.acquire();
		}

		Mono<Void> resolveAddress() {
			return resolveAddressLimit == null ? Mono.empty() : resolveAddressLimit.acquire();
		}
	}
}
