package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.LocalRateLimiter;
import io.gopherflux.ratelimit.MultiLimiter;
import io.gopherflux.ratelimit.NanoClock;
import io.gopherflux.ratelimit.TokenBucket;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** A budget's keys and script arguments, without Redis. */
class BudgetTest {

	private static final String PREFIX = RedisRateLimiterConfig.DEFAULT_KEY_PREFIX;
	private static final Tier PER_SECOND = Tier.of("per-second", Limit.of(10), 10);
	private static final Tier PER_MINUTE = Tier.of("per-minute", Limit.per(100, Duration.ofMinutes(1)), 100);

	/** Keys a client could send as its API key, or that a careless caller could build. */
	static final List<String> HOSTILE_KEYS = List.of("", "{", "}", "{}", "}{", "{{}}", "}abc", "abc{", "a{b}c", "a}b{c}",
			"%", "%7D", "%7B", "%%", "%u", "%uD800", " ", "\t", "\n", "a b", "\u0000", "\u00a0", "\u2028", "ключ", "🔑",
			"\uD800", "\uDC00", "\uDC00\uD800", "?", "{client-1}", "client-1", "gopherflux:ratelimit:{x}:per-second",
			"x".repeat(10_000), "}".repeat(1_000));

	@Test
	void anOrdinaryKeyStaysReadable() {
		Budget budget = new Budget(PREFIX, "client-42", List.of(PER_SECOND, PER_MINUTE));

		assertThat(budget.keys).containsExactly("gopherflux:ratelimit:{client-42}:per-minute",
				"gopherflux:ratelimit:{client-42}:per-second");
		assertThat(Budget.hashTag("plan:free:203.0.113.7")).isEqualTo("plan:free:203.0.113.7");
		assertThat(Budget.hashTag("ключ")).isEqualTo("ключ");
	}

	@Test
	void everyTierOfAnyKeyLiesInOneSlot() {
		for (String key : HOSTILE_KEYS) {
			Budget budget = new Budget(PREFIX, key, List.of(PER_SECOND, PER_MINUTE, Tier.of("per-hour", Limit.per(1000, Duration.ofHours(1)), 1000)));
			Set<Integer> slots = new HashSet<>();
			for (String redisKey : budget.keys) {
				slots.add(SlotHash.getSlot(redisKey));
			}
			assertThat(slots).as("slots of the tiers of '%s'", printable(key)).hasSize(1);
			assertThat(slots).as("the slot of the tag alone").containsExactly(SlotHash.getSlot(Budget.hashTag(key)));
		}
	}

	@Test
	void theTagIsNeverEmptyAndHasNoBrace() {
		for (String key : HOSTILE_KEYS) {
			String tag = Budget.hashTag(key);
			assertThat(tag).as(printable(key)).isNotEmpty().doesNotContain("{", "}").doesNotContainAnyWhitespaces();
			assertThat(tag.chars().noneMatch(Character::isISOControl)).as(printable(key)).isTrue();
		}
	}

	@Test
	void twoKeysNeverShareABudget() {
		List<String> keys = new ArrayList<>(HOSTILE_KEYS);
		for (String key : HOSTILE_KEYS) {
			keys.add(Budget.hashTag(key));
		}
		Set<String> distinct = new HashSet<>(keys);
		Set<String> tags = new HashSet<>();
		for (String key : distinct) {
			assertThat(tags.add(Budget.hashTag(key))).as("'%s' has a tag of its own", printable(key)).isTrue();
		}
	}

	@Test
	void escapesAreUpperCasePercentBytesAndSurrogatesStandAlone() {
		assertThat(Budget.hashTag("")).isEqualTo("%");
		assertThat(Budget.hashTag("%")).isEqualTo("%25");
		assertThat(Budget.hashTag("a}b{c")).isEqualTo("a%7Db%7Bc");
		assertThat(Budget.hashTag("a b\n")).isEqualTo("a%20b%0A");
		assertThat(Budget.hashTag("\u00a0")).isEqualTo("%C2%A0");
		assertThat(Budget.hashTag("\uD800?")).isEqualTo("%uD800?");
		assertThat(Budget.hashTag("🔑")).as("a whole code point is kept").isEqualTo("🔑");
	}

	@Test
	void tiersAreSortedMostRestrictiveFirstAndUnlimitedOnesHaveNoKey() {
		Budget budget = new Budget(PREFIX, "k", List.of(Tier.of("free", Limit.INF, 1), PER_SECOND, PER_MINUTE));

		assertThat(budget.tiers).extracting(Tier::name).containsExactly("per-minute", "per-second", "free");
		assertThat(budget.keys).hasSize(2);
		assertThat(budget.limit).isEqualTo(PER_MINUTE.limit());
		assertThat(budget.burst).isEqualTo(10);
		assertThat(budget.tokens(0, null)).containsExactly(100.0, 10.0, Double.POSITIVE_INFINITY);
	}

	@Test
	void theReserveArgumentsArePermitsTheLongestWaitAndEachTiersIntervalAndTolerance() {
		Budget budget = new Budget(PREFIX, "k", List.of(PER_SECOND));

		assertThat(budget.reserveArgs(2, Duration.ofMillis(5).toNanos())).containsExactly("2", "5000.0", "100000.0", "1000000.0");
		assertThat(budget.reserveArgs(1, Long.MAX_VALUE)[1]).isEqualTo(Double.toString(Budget.MAX_WAIT_MICROS));
	}

	@Test
	void aReplyIsReadIntoTheDecisionAndEachTiersTokens() {
		Budget budget = new Budget(PREFIX, "k", List.of(PER_SECOND, PER_MINUTE));

		// Granted at 1 s (Redis's TIME: the epoch plus 1 s); per-minute TAT 1.6 s (one token of 600 ms
		// taken), per-second TAT 1.1 s: no wait, with 59.4 s of the per-minute tolerance to spare.
		String second = Long.toString(GcraScript.EPOCH_SECONDS + 1);
		Budget.Reply reply = budget.parse(List.of(1L, second, "0", "1600000", "1100000"), 1);

		assertThat(reply.granted()).isTrue();
		assertThat(reply.nowMicros()).isEqualTo(1e6);
		assertThat(reply.waitMicros()).isZero();
		assertThat(reply.tats()).containsExactly("1600000", "1100000");
		assertThat(reply.tokens()).containsExactly(99.0, 9.0);
	}

	@Test
	void aGrantAheadOfTimeIsReadWithTheWaitTheScriptComputed() {
		Budget budget = new Budget(PREFIX, "k", List.of(PER_SECOND));

		// Per-second tier: interval 100 ms, tolerance 1 s. TAT written 1.6 s ahead of now: wait 0.6 s.
		String second = Long.toString(GcraScript.EPOCH_SECONDS + 10);
		Budget.Reply reply = budget.parse(List.of(1L, second, "250000", "11850000"), 1);

		assertThat(reply.nowMicros()).isEqualTo(10_250_000.0);
		assertThat(reply.waitMicros()).isEqualTo(11_850_000.0 - 1_000_000.0 - 10_250_000.0);
		assertThat(reply.tokens()).containsExactly(-6.0);
	}

	@Test
	void aRefusalIsReadFromTheValuesFoundWithTheWaitItWouldHaveNeeded() {
		Budget budget = new Budget(PREFIX, "k", List.of(PER_SECOND, PER_MINUTE));

		// At 1 s: per-minute TAT found at 61.5 s (60.5 s ahead, its tolerance 60 s), per-second none found.
		String second = Long.toString(GcraScript.EPOCH_SECONDS + 1);
		Budget.Reply refused = budget.parse(List.of(0L, second, "0", "61500000", ""), 2);

		assertThat(refused.granted()).isFalse();
		// Two permits of 600 ms on the per-minute tier: TAT 62.7 s, 1.7 s past the tolerance of 60 s.
		assertThat(refused.waitMicros()).isEqualTo(61_500_000.0 + 2 * 600_000.0 - 60_000_000.0 - 1_000_000.0);
		assertThat(refused.tats()).containsExactly("61500000", "");
		assertThat(refused.tokens()).containsExactly(-0.8333333333333334, 10.0);
	}

	@Test
	void theFallbackIsTheSameTiersInProcessFull() {
		Budget one = new Budget(PREFIX, "k", List.of(PER_SECOND));
		Budget two = new Budget(PREFIX, "k", List.of(PER_SECOND, PER_MINUTE));

		LocalRateLimiter bucket = one.newLocalLimiter(Schedulers.parallel(), NanoClock.system());
		LocalRateLimiter multi = two.newLocalLimiter(Schedulers.parallel(), NanoClock.system());

		assertThat(bucket).isInstanceOf(TokenBucket.class);
		assertThat(((TokenBucket) bucket).tokens()).isEqualTo(10.0);
		assertThat(multi).isInstanceOf(MultiLimiter.class);
		assertThat(((MultiLimiter) multi).limiters()).hasSize(2);
		assertThat(one.fallbackKey()).isNotEqualTo(two.fallbackKey());
		assertThat(new Budget(PREFIX, "k", List.of(PER_SECOND)).fallbackKey()).isEqualTo(one.fallbackKey());
	}

	private static String printable(String key) {
		String shown = key.length() > 20 ? key.substring(0, 20) + "...(" + key.length() + " chars)" : key;
		StringBuilder out = new StringBuilder();
		shown.chars().forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
		return out.toString();
	}
}
