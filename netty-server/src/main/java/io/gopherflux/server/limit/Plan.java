package io.gopherflux.server.limit;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import io.gopherflux.ratelimit.Limit;

/**
 * What a client may do: its request quotas (all must admit a request, most restrictive first in
 * the header fields), the highest element rate of any one of its streams, how many streams it
 * may have open at once, and how many workers one of its streams may fan out to.
 *
 * @param name       the plan's name, e.g. {@code free} or {@code paid}
 * @param quotas     the request tiers, at least one, with distinct names
 * @param streamRate the element rate cap of each stream; {@link Limit#INF} for none
 * @param maxStreams the most concurrent streams per client, at least 1
 * @param maxWorkers the most workers a fanned-out stream of this plan may ask for, at least 1
 */
public record Plan(String name, List<Quota> quotas, Limit streamRate, int maxStreams, int maxWorkers) {

	/** The workers of a plan that does not say: the free plan's. */
	public static final int DEFAULT_MAX_WORKERS = 4;

	private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,31}");

	/**
	 * A plan allowing {@value #DEFAULT_MAX_WORKERS} workers per stream.
	 *
	 * @param name       the plan's name: a lower-case letter, then up to 31 lower-case letters or digits
	 * @param quotas     the request tiers, at least one, with distinct names
	 * @param streamRate the element rate cap of each stream, positive; {@link Limit#INF} for none
	 * @param maxStreams the most concurrent streams per client, at least 1
	 * @throws IllegalArgumentException naming the bad field
	 */
	public Plan(String name, List<Quota> quotas, Limit streamRate, int maxStreams) {
		this(name, quotas, streamRate, maxStreams, DEFAULT_MAX_WORKERS);
	}

	/**
	 * Validates the plan and copies its quotas.
	 *
	 * @param name       the plan's name: a lower-case letter, then up to 31 lower-case letters or digits
	 * @param quotas     the request tiers, at least one, with distinct names
	 * @param streamRate the element rate cap of each stream, positive; {@link Limit#INF} for none
	 * @param maxStreams the most concurrent streams per client, at least 1
	 * @param maxWorkers the most workers a fanned-out stream of this plan may ask for, at least 1
	 * @throws IllegalArgumentException naming the bad field
	 */
	public Plan {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(quotas, "quotas");
		Objects.requireNonNull(streamRate, "streamRate");
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("plan name must be lower-case letters and digits, starting with "
					+ "a letter, at most 32 characters, was '" + name + "'");
		}
		quotas = List.copyOf(quotas);
		if (quotas.isEmpty()) {
			throw new IllegalArgumentException("plan '" + name + "' needs at least one quota");
		}
		Set<String> names = new HashSet<>();
		for (Quota quota : quotas) {
			if (!names.add(quota.name())) {
				throw new IllegalArgumentException("plan '" + name + "' has two quotas named '" + quota.name() + "'");
			}
		}
		if (streamRate.isZero()) {
			throw new IllegalArgumentException("stream rate of plan '" + name + "' must be positive");
		}
		if (maxStreams < 1) {
			throw new IllegalArgumentException("max streams of plan '" + name + "' must be at least 1, was " + maxStreams);
		}
		if (maxWorkers < 1) {
			throw new IllegalArgumentException("max workers of plan '" + name + "' must be at least 1, was " + maxWorkers);
		}
	}

	/**
	 * The anonymous default: 10 requests a second, 100 a minute, streams of at most 100 elements a
	 * second, 4 at once, each fanning out to at most 4 workers.
	 *
	 * @return the {@code free} plan
	 */
	public static Plan free() {
		return new Plan("free", List.of(Quota.parse("per-second:10/1s"), Quota.parse("per-minute:100/1m")),
				Limit.of(100), 4, DEFAULT_MAX_WORKERS);
	}

	/**
	 * The paying default: 100 requests a second, 3,000 a minute, 10,000 elements a second, 32 streams, 16 workers.
	 *
	 * @return the {@code paid} plan
	 */
	public static Plan paid() {
		return new Plan("paid", List.of(Quota.parse("per-second:100/1s"), Quota.parse("per-minute:3000/1m")),
				Limit.of(10_000), 32, 16);
	}

	/**
	 * The same plan with other quotas.
	 *
	 * @param quotas the request tiers, at least one, with distinct names
	 * @return a copy with {@code quotas} changed
	 */
	public Plan withQuotas(List<Quota> quotas) {
		return new Plan(name, quotas, streamRate, maxStreams, maxWorkers);
	}

	/**
	 * The same plan with another stream rate cap.
	 *
	 * @param streamRate the element rate cap of each stream, positive; {@link Limit#INF} for none
	 * @return a copy with {@code streamRate} changed
	 */
	public Plan withStreamRate(Limit streamRate) {
		return new Plan(name, quotas, streamRate, maxStreams, maxWorkers);
	}

	/**
	 * The same plan with another cap on concurrent streams.
	 *
	 * @param maxStreams the most concurrent streams per client, at least 1
	 * @return a copy with {@code maxStreams} changed
	 */
	public Plan withMaxStreams(int maxStreams) {
		return new Plan(name, quotas, streamRate, maxStreams, maxWorkers);
	}

	/**
	 * The same plan with another cap on the workers of one stream.
	 *
	 * @param maxWorkers the most workers a fanned-out stream may ask for, at least 1
	 * @return a copy with {@code maxWorkers} changed
	 */
	public Plan withMaxWorkers(int maxWorkers) {
		return new Plan(name, quotas, streamRate, maxStreams, maxWorkers);
	}
}
