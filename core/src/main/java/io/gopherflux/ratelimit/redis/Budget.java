package io.gopherflux.ratelimit.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.LocalRateLimiter;
import io.gopherflux.ratelimit.MultiLimiter;
import io.gopherflux.ratelimit.NanoClock;
import io.gopherflux.ratelimit.RateLimiter;
import io.gopherflux.ratelimit.TokenBucket;
import io.gopherflux.ratelimit.TokenBucketConfig;
import reactor.core.scheduler.Scheduler;

/**
 * One budget's shape in Redis, without any I/O: its tiers (most restrictive first), the Redis key
 * of each tier that limits, the scripts' arguments, and how to read their replies.
 * <p>
 * <b>Keys.</b> {@code prefix + "{" + tag + "}:" + tier}, where the tag is the budget's key with
 * {@code %}, braces, whitespace, control characters and lone surrogates percent-encoded, and
 * {@code %} alone for the empty key. A Redis Cluster hashes only the text between the first
 * {@code {} and the first {@code }} after it (the whole key when that text is empty); the prefix
 * has no braces (checked by the configuration) and the tag none and is never empty, so every tier
 * of any key, whatever a client chose as its key, lies in one slot, as the single script needs.
 * The encoding is one-to-one, so two keys never share a budget, and leaves ordinary keys readable
 * ({@code client-42} stays {@code client-42}).
 */
final class Budget {

	/** Waits longer than {@link RateLimiter#LONGEST_WAIT}, in the scripts' microseconds, are never granted. */
	static final double MAX_WAIT_MICROS = RateLimiter.LONGEST_WAIT.toNanos() / 1e3;

	private static final HexFormat HEX = HexFormat.of().withUpperCase();

	final String key;
	/** Most restrictive first, as {@link MultiLimiter} keeps them. */
	final List<Tier> tiers;
	/** The Redis keys of the tiers that limit (infinite tiers have none). */
	final String[] keys;
	/** Per limiting tier: interval and tolerance, in µs, as the reserve script reads them. */
	private final String[] tierArgs;
	/** Per limiting tier: interval in µs, as the give-back script reads it. */
	private final String[] intervals;
	/** Per limiting tier: interval and tolerance in µs, to read tokens from TATs. */
	final double[] intervalMicros;
	private final double[] toleranceMicros;
	final Limit limit;
	final int burst;

	/** {@code tiers} must be non-empty with distinct names (checked by the caller). */
	Budget(String keyPrefix, String key, List<Tier> tiers) {
		this.key = key;
		List<Tier> sorted = new ArrayList<>(tiers);
		sorted.sort(Comparator.comparing(Tier::limit));
		this.tiers = List.copyOf(sorted);
		List<Tier> limiting = sorted.stream().filter(t -> !t.limit().isInfinite()).toList();
		this.keys = new String[limiting.size()];
		this.tierArgs = new String[2 * limiting.size()];
		this.intervals = new String[limiting.size()];
		this.intervalMicros = new double[limiting.size()];
		this.toleranceMicros = new double[limiting.size()];
		String tagged = keyPrefix + "{" + hashTag(key) + "}:";
		int minBurst = Integer.MAX_VALUE;
		for (int i = 0; i < limiting.size(); i++) {
			Tier tier = limiting.get(i);
			keys[i] = tagged + tier.name();
			double interval = tier.intervalMicros();
			intervalMicros[i] = interval;
			toleranceMicros[i] = interval * tier.burst();
			intervals[i] = Double.toString(interval);
			tierArgs[2 * i] = intervals[i];
			tierArgs[2 * i + 1] = Double.toString(toleranceMicros[i]);
			minBurst = Math.min(minBurst, tier.burst());
		}
		this.limit = this.tiers.get(0).limit();
		this.burst = minBurst;
	}

	/**
	 * {@code key} as a hash tag: never empty, no braces, one-to-one. Percent-encodes {@code %},
	 * {@code {}, {@code }}, whitespace and control characters (their UTF-8 bytes, {@code %XX}) and
	 * lone surrogates ({@code %uXXXX}, which UTF-8 cannot carry); the empty key is {@code %}, which
	 * no other key gives (every other {@code %} starts an escape).
	 */
	static String hashTag(String key) {
		if (key.isEmpty()) {
			return "%";
		}
		StringBuilder tag = null;
		for (int i = 0; i < key.length();) {
			int c = key.codePointAt(i);
			if (escaped(c)) {
				if (tag == null) {
					tag = new StringBuilder(key.length() + 16).append(key, 0, i);
				}
				if (Character.getType(c) == Character.SURROGATE) {
					tag.append("%u").append(HEX.toHexDigits((char) c));
				}
				else {
					for (byte b : Character.toString(c).getBytes(StandardCharsets.UTF_8)) {
						tag.append('%').append(HEX.toHexDigits(b));
					}
				}
			}
			else if (tag != null) {
				tag.appendCodePoint(c);
			}
			i += Character.charCount(c);
		}
		return tag == null ? key : tag.toString();
	}

	private static boolean escaped(int c) {
		return c == '%' || c == '{' || c == '}' || Character.isWhitespace(c) || Character.isSpaceChar(c)
				|| Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE;
	}

	/** ARGV of the reserve script for {@code permits} waiting at most {@code maxWaitNanos} ({@link Long#MAX_VALUE}: no bound). */
	String[] reserveArgs(int permits, long maxWaitNanos) {
		String[] args = new String[2 + tierArgs.length];
		args[0] = Integer.toString(permits);
		args[1] = Double.toString(maxWaitNanos == Long.MAX_VALUE ? MAX_WAIT_MICROS : Math.min(MAX_WAIT_MICROS, maxWaitNanos / 1e3));
		System.arraycopy(tierArgs, 0, args, 2, tierArgs.length);
		return args;
	}

	/** ARGV of the give-back script for a grant of {@code permits} to act at {@code actMicros}, after which the TATs were {@code tats}. */
	String[] giveBackArgs(double actMicros, boolean evenIfDue, int permits, String[] tats) {
		String[] args = new String[3 + 2 * keys.length];
		args[0] = Double.toString(actMicros);
		args[1] = evenIfDue ? "1" : "0";
		args[2] = Integer.toString(permits);
		for (int i = 0; i < keys.length; i++) {
			args[3 + 2 * i] = intervals[i];
			args[4 + 2 * i] = tats[i];
		}
		return args;
	}

	/**
	 * The reserve script's reply for {@code permits}, read: Redis's time and the wait are computed
	 * here from its {@code TIME} and the TATs, with the script's own double arithmetic in the
	 * script's order, so they are the values the script decided with, to the last bit.
	 */
	Reply parse(List<Object> reply, int permits) {
		boolean granted = ((Long) reply.get(0)) == 1L;
		double now = (Long.parseLong((String) reply.get(1)) - GcraScript.EPOCH_SECONDS) * 1e6 + Long.parseLong((String) reply.get(2));
		String[] tats = new String[keys.length];
		double[] tatMicros = new double[keys.length];
		double wait = 0;
		for (int i = 0; i < tats.length; i++) {
			tats[i] = (String) reply.get(3 + i);
			double next;
			if (granted) {
				next = Double.parseDouble(tats[i]);
				tatMicros[i] = next;
			}
			else {
				double tat = Math.max(stored(tats[i], now), now);
				tatMicros[i] = tat;
				next = tat + permits * intervalMicros[i];
			}
			double w = next - toleranceMicros[i] - now;
			if (w > wait) {
				wait = w;
			}
		}
		return new Reply(granted, wait, now, tats, tokens(now, tatMicros));
	}

	/** A TAT found in Redis, as the script reads it: {@code now} when there is none, or none that is a number. */
	private static double stored(String value, double now) {
		if (value.isEmpty()) {
			return now;
		}
		try {
			return Double.parseDouble(value);
		}
		catch (NumberFormatException e) {
			return now;
		}
	}

	/**
	 * A decision as Redis wrote it.
	 *
	 * @param granted    whether the permits were taken
	 * @param waitMicros how long until the holder may act (granted) or the wait it would have needed
	 * @param nowMicros  Redis's time when it decided, in the scripts' microseconds
	 * @param tats       per limiting tier, the TAT written (granted), or the value found (refused, {@code ""} if none), as Redis has it
	 * @param tokens     per tier, what it has left
	 */
	record Reply(boolean granted, double waitMicros, double nowMicros, String[] tats, List<Double> tokens) {
	}

	/**
	 * The tokens of every tier at {@code nowMicros} given the TATs of the limiting ones ({@code null}:
	 * all full): a bucket is full {@code tolerance} ahead of its TAT, and one token is one interval.
	 */
	List<Double> tokens(double nowMicros, double[] tats) {
		Double[] tokens = new Double[tiers.size()];
		int limiting = 0;
		for (int i = 0; i < tokens.length; i++) {
			if (tiers.get(i).limit().isInfinite()) {
				tokens[i] = Double.POSITIVE_INFINITY;
			}
			else {
				double ahead = tats == null ? 0 : Math.max(0, tats[limiting] - nowMicros);
				double exact = (toleranceMicros[limiting] - ahead) / intervalMicros[limiting];
				// TATs are doubles of microseconds, and Redis's clock is no finer: a count within one
				// microsecond's worth of tokens of a whole number (2 read as 1.9999999) is that number.
				double whole = Math.rint(exact);
				double oneMicrosecond = Math.min(1e-3, 1 / intervalMicros[limiting]);
				tokens[i] = Math.abs(exact - whole) <= oneMicrosecond ? whole : exact;
				limiting++;
			}
		}
		return List.of(tokens);
	}

	/** The in-process stand-in for this budget: the same tiers in {@link TokenBucket}s, full. */
	LocalRateLimiter newLocalLimiter(Scheduler scheduler, NanoClock clock) {
		List<TokenBucket> buckets = new ArrayList<>(tiers.size());
		for (Tier tier : tiers) {
			// Decisions are reported by the Redis limiter, once per request rather than once per tier.
			buckets.add(TokenBucket.of(TokenBucketConfig.builder(tier.limit(), tier.burst())
					.name(key + ":" + tier.name())
					.scheduler(scheduler)
					.clock(clock)
					.build()));
		}
		return buckets.size() == 1 ? buckets.get(0) : MultiLimiter.of(buckets);
	}

	/** What identifies this budget among the fallback buckets: the same keys as in Redis. */
	String fallbackKey() {
		return String.join(",", keys);
	}

	@Override
	public String toString() {
		return key + " " + tiers;
	}
}
