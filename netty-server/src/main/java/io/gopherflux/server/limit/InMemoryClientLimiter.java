package io.gopherflux.server.limit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.gopherflux.ratelimit.LocalRateLimiter;
import io.gopherflux.ratelimit.MultiLimiter;
import io.gopherflux.ratelimit.RateLimiterMetrics;
import io.gopherflux.ratelimit.TokenBucket;
import io.gopherflux.ratelimit.TokenBucketConfig;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Per-client admission in this process: one {@link TokenBucket} per quota of the client's plan;
 * a request takes a token from every quota or from none.
 * <p>
 * <b>Exact under concurrency.</b> A client's buckets are only ever touched under the lock of the
 * table stripe that holds them, so two requests of one client are decided one after the other: a
 * refusal gives back exactly what it took from the quotas that had a token (it costs nothing), and
 * concurrent requests are admitted exactly as sequential ones would be. Each decision is reported
 * once to the {@link RateLimiterMetrics} (granted or denied); the buckets themselves report nothing.
 * <p>
 * <b>A bounded table that never refuses a client within its budget.</b> At most {@code maxClients}
 * address clients are tracked, in stripes kept in least-recently-used order. A client whose
 * buckets are all full is indistinguishable from a new one, so when a stripe is full the least
 * recently used <em>full</em> entry makes room (and every such entry is swept out every 30 s).
 * Entries that hold a debt (a spent quota) are never evicted, so nobody regains a budget by
 * making the table churn. When no entry can go, a new address is decided on an overflow budget
 * shared by its address prefix ({@value #IPV4_PREFIX} bits of IPv4, {@value #IPV6_PREFIX} of
 * IPv6): an address sprayer spends its own network's budget, never anyone else's. The overflow
 * budgets are a Caffeine cache bounded the same way, each entry expiring when its buckets are full
 * again; when the cache is full of debts, Caffeine's policy picks one to drop (which can only hand
 * a prefix a fresh budget, never refuse one). The client table itself is not a Caffeine cache:
 * a cache cannot be told never to evict a debt, nor to refuse a new entry when full, and those are
 * what keep a churning sprayer from buying itself a fresh budget. Clients named by a known
 * API key ({@code key:...}) are as many as the configuration names, so they always get an entry.
 */
public final class InMemoryClientLimiter implements ClientLimiter {

	/** The default bound on the number of clients tracked at once. */
	public static final int DEFAULT_MAX_CLIENTS = 100_000;
	/** Overflow budgets are shared per IPv4 /24. */
	public static final int IPV4_PREFIX = 24;
	/** Overflow budgets are shared per IPv6 /64, the block one subscriber usually gets. */
	public static final int IPV6_PREFIX = 64;

	/** How many of a stripe's least recently used entries a new client looks through for a full one. */
	static final int EVICTION_SCAN = 16;
	private static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);
	/** Stripes hold at least this many entries, so that LRU order means something within one. */
	private static final int MIN_STRIPE = 1024;
	private static final int MAX_STRIPES = 64;

	private final Scheduler clock;
	private final RateLimiterMetrics metrics;
	private final LimitMetrics limitMetrics;
	private final Table clients;
	private final Cache<String, ClientBuckets> overflow;
	private final AtomicLong lastSweep;

	/**
	 * @param clock      the scheduler whose clock the buckets read (a virtual-time one in tests)
	 * @param metrics    where each decision is reported, once
	 * @param maxClients the most address clients tracked at once, at least 1
	 */
	public InMemoryClientLimiter(Scheduler clock, RateLimiterMetrics metrics, int maxClients) {
		this(clock, metrics, LimitMetrics.noop(), maxClients);
	}

	/**
	 * @param clock        the scheduler whose clock the buckets read (a virtual-time one in tests)
	 * @param metrics      where each decision is reported, once
	 * @param limitMetrics where the use of overflow budgets is reported
	 * @param maxClients   the most address clients tracked at once, at least 1
	 */
	public InMemoryClientLimiter(Scheduler clock, RateLimiterMetrics metrics, LimitMetrics limitMetrics, int maxClients) {
		this.clock = Objects.requireNonNull(clock, "clock");
		this.metrics = Objects.requireNonNull(metrics, "metrics");
		this.limitMetrics = Objects.requireNonNull(limitMetrics, "limitMetrics");
		if (maxClients < 1) {
			throw new IllegalArgumentException("maxClients must be at least 1, was " + maxClients);
		}
		this.clients = new Table(maxClients);
		this.overflow = Caffeine.newBuilder()
				.maximumSize(maxClients)
				// Maintenance (eviction, expiry) on the deciding thread: no pool of its own, sizes exact.
				.executor(Runnable::run)
				.ticker(() -> clock.now(TimeUnit.NANOSECONDS))
				.expireAfter(new UntilFull())
				.build();
		this.lastSweep = new AtomicLong(clock.now(TimeUnit.NANOSECONDS));
	}

	/** {@code in-memory}: this limiter always decides. */
	@Override
	public String state() {
		return "in-memory";
	}

	@Override
	public Mono<Admission> admit(String client, Plan plan) {
		Objects.requireNonNull(client, "client");
		Objects.requireNonNull(plan, "plan");
		return Mono.fromSupplier(() -> decide(client, plan));
	}

	/**
	 * The decision, taken synchronously (it never waits). A request that finds the client table
	 * full is decided on the shared budget of its address prefix.
	 *
	 * @param client who the request counts against ({@code key:...} or {@code ip:...})
	 * @param plan   the client's plan, whose quotas decide
	 * @return whether the request is admitted, with what is left of each quota
	 */
	public Admission decide(String client, Plan plan) {
		Objects.requireNonNull(client, "client");
		Objects.requireNonNull(plan, "plan");
		sweepIfDue();
		boolean known = client.startsWith("key:");
		Admission admission = clients.decide(plan.name() + '\u0000' + client, plan, known ? Room.ALWAYS : Room.IF_FREE);
		if (admission == null) {
			limitMetrics.overflowed();
			admission = overflowDecide(plan.name() + '\u0000' + prefixOf(client), plan);
		}
		if (admission.allowed()) {
			metrics.granted(1);
		}
		else {
			metrics.denied(1);
		}
		return admission;
	}

	/**
	 * How many clients are tracked now (overflow budgets not counted).
	 *
	 * @return the entries of the client table: at most {@code maxClients} addresses, plus the API keys in use
	 */
	public int clients() {
		return clients.size.get();
	}

	/**
	 * How many address prefixes have an overflow budget now.
	 *
	 * @return the number of overflow budgets, after expired ones are cleaned up
	 */
	public int overflowBudgets() {
		overflow.cleanUp();
		return (int) overflow.estimatedSize();
	}

	/** The decision on a prefix's overflow budget, under the lock of its entry (so exact). */
	private Admission overflowDecide(String key, Plan plan) {
		Admission[] decided = new Admission[1];
		overflow.asMap().compute(key, (k, buckets) -> {
			// A plan redefined under the same name starts afresh, as does a budget that expired full.
			ClientBuckets current = buckets == null || !buckets.plan.equals(plan) ? new ClientBuckets(plan, clock) : buckets;
			decided[0] = current.decide();
			return current;
		});
		return decided[0];
	}

	/** An overflow budget lives until its buckets are full again, when a fresh one is the same. */
	private static final class UntilFull implements Expiry<String, ClientBuckets> {

		@Override
		public long expireAfterCreate(String key, ClientBuckets buckets, long now) {
			return buckets.nanosUntilFull();
		}

		@Override
		public long expireAfterUpdate(String key, ClientBuckets buckets, long now, long current) {
			return buckets.nanosUntilFull();
		}

		@Override
		public long expireAfterRead(String key, ClientBuckets buckets, long now, long current) {
			return current;
		}
	}

	/** The key of the overflow budget a client shares: its address prefix, or itself when it has no address. */
	static String prefixOf(String client) {
		if (client.startsWith("ip:")) {
			InetAddress address = AddressRange.literal(client.substring(3));
			if (address != null) {
				return "net:" + AddressRange.of(address, address instanceof Inet4Address ? IPV4_PREFIX : IPV6_PREFIX);
			}
		}
		return client;
	}

	private void sweepIfDue() {
		long now = clock.now(TimeUnit.NANOSECONDS);
		long last = lastSweep.get();
		if (now - last >= SWEEP_INTERVAL_NANOS && lastSweep.compareAndSet(last, now)) {
			clients.sweep();
		}
	}

	/** What a client without an entry gets when its stripe is full and no entry there is full. */
	private enum Room {
		/** An entry anyway: the client is one of the configured few. */
		ALWAYS,
		/** No entry: the caller decides on an overflow budget. */
		IF_FREE
	}

	/** Client entries in stripes, each a lock and a map in least-recently-used order. */
	private final class Table {

		final Stripe[] stripes;
		final AtomicInteger size = new AtomicInteger();

		Table(int capacity) {
			int count = Integer.highestOneBit(Math.max(1, Math.min(MAX_STRIPES, capacity / MIN_STRIPE)));
			int perStripe = (capacity + count - 1) / count;
			stripes = new Stripe[count];
			for (int i = 0; i < count; i++) {
				stripes[i] = new Stripe(perStripe);
			}
		}

		/** The decision on {@code key}'s entry, or null when it has none and {@code room} says not to make one. */
		Admission decide(String key, Plan plan, Room room) {
			int hash = key.hashCode();
			Stripe stripe = stripes[(hash ^ (hash >>> 16)) & (stripes.length - 1)];
			synchronized (stripe) {
				Map<String, ClientBuckets> entries = stripe.entries;
				ClientBuckets buckets = entries.get(key);
				if (buckets != null && !buckets.plan.equals(plan)) {
					// The plan was redefined under the same name: its budget starts afresh.
					entries.remove(key);
					size.decrementAndGet();
					buckets = null;
				}
				if (buckets == null) {
					if (room == Room.IF_FREE && entries.size() >= stripe.capacity && !evictLeastRecentlyUsedFull(entries)) {
						return null;
					}
					buckets = new ClientBuckets(plan, clock);
					entries.put(key, buckets);
					size.incrementAndGet();
				}
				return buckets.decide();
			}
		}

		/**
		 * Removes the least recently used entry whose buckets are full, looking at the
		 * {@value #EVICTION_SCAN} eldest; those looked at and kept move to the recent end, so that
		 * the next look sees others (a clock hand over the table rather than the same debts).
		 */
		private boolean evictLeastRecentlyUsedFull(Map<String, ClientBuckets> entries) {
			List<String> kept = new ArrayList<>(EVICTION_SCAN);
			boolean evicted = false;
			Iterator<Map.Entry<String, ClientBuckets>> eldest = entries.entrySet().iterator();
			for (int i = 0; i < EVICTION_SCAN && eldest.hasNext(); i++) {
				Map.Entry<String, ClientBuckets> entry = eldest.next();
				if (entry.getValue().full()) {
					eldest.remove();
					size.decrementAndGet();
					evicted = true;
					break;
				}
				kept.add(entry.getKey());
			}
			for (String key : kept) {
				entries.get(key);
			}
			return evicted;
		}

		void sweep() {
			for (Stripe stripe : stripes) {
				synchronized (stripe) {
					Iterator<ClientBuckets> all = stripe.entries.values().iterator();
					while (all.hasNext()) {
						if (all.next().full()) {
							all.remove();
							size.decrementAndGet();
						}
					}
				}
			}
		}
	}

	private static final class Stripe {

		final int capacity;
		final LinkedHashMap<String, ClientBuckets> entries = new LinkedHashMap<>(16, 0.75f, true);

		Stripe(int capacity) {
			this.capacity = capacity;
		}
	}

	/** One client's buckets; touched only under its stripe's lock. */
	private static final class ClientBuckets {

		final Plan plan;
		final TokenBucket[] buckets;
		final LocalRateLimiter limiter;

		ClientBuckets(Plan plan, Scheduler clock) {
			this.plan = plan;
			this.buckets = new TokenBucket[plan.quotas().size()];
			for (int i = 0; i < buckets.length; i++) {
				Quota quota = plan.quotas().get(i);
				buckets[i] = TokenBucket.of(TokenBucketConfig.builder(quota.tier().limit(), quota.quota())
						.name(quota.name())
						.timeFrom(clock)
						.build());
			}
			this.limiter = buckets.length == 1 ? buckets[0] : MultiLimiter.of(buckets);
		}

		/**
		 * All or nothing: a quota that had a token gives it back when another refuses, in full,
		 * because no other request of this client can run in between.
		 */
		Admission decide() {
			boolean allowed = limiter.tryAcquire(1);
			List<Double> remaining = new ArrayList<>(buckets.length);
			for (TokenBucket bucket : buckets) {
				remaining.add(bucket.tokens());
			}
			return Admission.of(allowed, remaining, plan);
		}

		/** How long until every bucket is full again; touched only under the entry's lock. */
		long nanosUntilFull() {
			double seconds = 0;
			for (TokenBucket bucket : buckets) {
				double missing = bucket.burst() - bucket.tokens();
				if (missing > 0) {
					seconds = Math.max(seconds, missing / bucket.limit().perSecond());
				}
			}
			return (long) Math.min(Long.MAX_VALUE / 2, Math.ceil(seconds * 1e9));
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
