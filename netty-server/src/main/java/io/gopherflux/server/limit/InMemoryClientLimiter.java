package io.gopherflux.server.limit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.gopherflux.ratelimit.LocalRateLimiter;
import io.gopherflux.ratelimit.MultiLimiter;
import io.gopherflux.ratelimit.RateLimiterMetrics;
import io.gopherflux.ratelimit.Reservation;
import io.gopherflux.ratelimit.TokenBucket;
import io.gopherflux.ratelimit.TokenBucketConfig;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Per-client admission in this process: one {@link TokenBucket} per quota of the client's plan,
 * combined in a {@link MultiLimiter} so that a request takes a token from every quota or from
 * none.
 * <p>
 * The table of clients is bounded. A client whose buckets are all full is indistinguishable from
 * a new one, so such entries are swept out (every 30 s, and when the table is full, at most once a
 * second); while the table is still full, new clients of a plan share one overflow bucket set,
 * which limits an address-spraying client without letting it grow memory.
 */
public final class InMemoryClientLimiter implements ClientLimiter {

	/** The default bound on the number of clients tracked at once. */
	public static final int DEFAULT_MAX_CLIENTS = 100_000;

	private static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);
	/** A full table is swept at most this often, so a flood of new clients does not scan it on every request. */
	private static final long FULL_SWEEP_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);
	private static final String OVERFLOW = "\u0000overflow";

	private final Scheduler clock;
	private final RateLimiterMetrics metrics;
	private final int maxClients;
	private final Map<String, ClientBuckets> clients = new ConcurrentHashMap<>();
	private final AtomicLong lastSweep;

	/**
	 * @param clock      the scheduler whose clock the buckets read (a virtual-time one in tests)
	 * @param metrics    where the buckets report grants and denials
	 * @param maxClients the most clients tracked at once, at least 1
	 */
	public InMemoryClientLimiter(Scheduler clock, RateLimiterMetrics metrics, int maxClients) {
		this.clock = Objects.requireNonNull(clock, "clock");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		if (maxClients < 1) {
			throw new IllegalArgumentException("maxClients must be at least 1, was " + maxClients);
		}
		this.maxClients = maxClients;
		this.lastSweep = new AtomicLong(clock.now(TimeUnit.NANOSECONDS));
	}

	@Override
	public Mono<Admission> admit(String client, Plan plan) {
		return Mono.just(decide(client, plan));
	}

	/** The decision, taken synchronously (it never waits). */
	public Admission decide(String client, Plan plan) {
		Objects.requireNonNull(client, "client");
		Objects.requireNonNull(plan, "plan");
		ClientBuckets buckets = bucketsOf(plan.name() + '\u0000' + client, plan);
		Reservation reservation = buckets.limiter.reserveNow(1, java.time.Duration.ZERO);
		return Admission.of(reservation.ok(), buckets.remaining(), plan);
	}

	/** How many clients are tracked now. */
	public int clients() {
		return clients.size();
	}

	private ClientBuckets bucketsOf(String key, Plan plan) {
		ClientBuckets buckets = clients.get(key);
		if (buckets != null && buckets.plan.equals(plan)) {
			return buckets;
		}
		long now = clock.now(TimeUnit.NANOSECONDS);
		long last = lastSweep.get();
		long since = now - last;
		boolean due = since >= SWEEP_INTERVAL_NANOS || (clients.size() >= maxClients && since >= FULL_SWEEP_GAP_NANOS);
		if (due && lastSweep.compareAndSet(last, now)) {
			clients.values().removeIf(ClientBuckets::full);
		}
		if (buckets == null && clients.size() >= maxClients) {
			return clients.computeIfAbsent(OVERFLOW + plan.name(), k -> new ClientBuckets(plan, clock, metrics));
		}
		return clients.compute(key, (k, old) -> old != null && old.plan.equals(plan) ? old
				: new ClientBuckets(plan, clock, metrics));
	}

	private static final class ClientBuckets {

		final Plan plan;
		final TokenBucket[] buckets;
		final LocalRateLimiter limiter;

		ClientBuckets(Plan plan, Scheduler clock, RateLimiterMetrics metrics) {
			this.plan = plan;
			this.buckets = new TokenBucket[plan.quotas().size()];
			for (int i = 0; i < buckets.length; i++) {
				Quota quota = plan.quotas().get(i);
				buckets[i] = TokenBucket.of(TokenBucketConfig.builder(quota.tier().limit(), quota.quota())
						.name(quota.name())
						.timeFrom(clock)
						.metrics(metrics)
						.build());
			}
			this.limiter = buckets.length == 1 ? buckets[0] : MultiLimiter.of(buckets);
		}

		List<Double> remaining() {
			List<Double> remaining = new ArrayList<>(buckets.length);
			for (TokenBucket bucket : buckets) {
				remaining.add(bucket.tokens());
			}
			return remaining;
		}

		boolean full() {
			for (TokenBucket bucket : buckets) {
				if (bucket.tokens() < bucket.burst()) {
					return false;
				}
			}
			return true;
		}
	}
}
