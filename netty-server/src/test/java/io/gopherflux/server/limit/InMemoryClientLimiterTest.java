package io.gopherflux.server.limit;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.RateLimiterMetrics;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.util.RaceTestUtils;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class InMemoryClientLimiterTest {

	static final Offset<Double> EXACT = Offset.offset(1e-9);

	final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

	@AfterEach
	void disposeClock() {
		clock.dispose();
	}

	InMemoryClientLimiter limiter(int maxClients) {
		return new InMemoryClientLimiter(clock, RateLimiterMetrics.noop(), maxClients);
	}

	static Plan plan(String name, String... quotas) {
		return new Plan(name, Arrays.stream(quotas).map(Quota::parse).toList(), Limit.INF, 1);
	}

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> new InMemoryClientLimiter(null, RateLimiterMetrics.noop(), 1))
				.withMessage("clock");
		assertThatNullPointerException().isThrownBy(() -> new InMemoryClientLimiter(clock, null, 1)).withMessage("metrics");
		assertThatNullPointerException().isThrownBy(() -> new InMemoryClientLimiter(clock, RateLimiterMetrics.noop(), null, 1))
				.withMessage("limitMetrics");
		InMemoryClientLimiter limiter = limiter(10);
		assertThatNullPointerException().isThrownBy(() -> limiter.decide(null, Plan.free())).withMessage("client");
		assertThatNullPointerException().isThrownBy(() -> limiter.decide("ip:1", null)).withMessage("plan");
	}

	@Test
	void maxClientsIsAtLeastOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> limiter(0)).withMessageContaining("maxClients")
				.withMessageContaining("0");
	}

	@Test
	void aClientGetsItsQuotaThenIsRefused() {
		InMemoryClientLimiter limiter = limiter(100);
		for (int i = 1; i <= 10; i++) {
			Admission admission = limiter.decide("ip:1", Plan.free());
			assertThat(admission.allowed()).as("request %d", i).isTrue();
			assertThat(admission.retryAfter()).isZero();
			assertThat(admission.remaining().get(0)).isCloseTo(10.0 - i, EXACT);
			assertThat(admission.remaining().get(1)).isCloseTo(100.0 - i, EXACT);
		}

		Admission refused = limiter.decide("ip:1", Plan.free());

		assertThat(refused.allowed()).isFalse();
		assertThat(refused.remaining().get(0)).isCloseTo(0.0, EXACT);
		assertThat(refused.remaining().get(1)).isCloseTo(90.0, EXACT);
		assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(100));
		assertThat(refused.plan()).isEqualTo(Plan.free());
	}

	@Test
	void clientsAreCountedApart() {
		InMemoryClientLimiter limiter = limiter(100);
		for (int i = 0; i < 10; i++) {
			limiter.decide("ip:1", Plan.free());
		}

		assertThat(limiter.decide("ip:1", Plan.free()).allowed()).isFalse();
		assertThat(limiter.decide("ip:2", Plan.free()).allowed()).isTrue();
		assertThat(limiter.clients()).isEqualTo(2);
	}

	@Test
	void aRefusedRequestTakesNothingFromAnyQuota() {
		InMemoryClientLimiter limiter = limiter(100);
		Plan plan = plan("tight", "per-second:5/1s", "per-minute:6/1m");
		for (int i = 0; i < 5; i++) {
			assertThat(limiter.decide("ip:1", plan).allowed()).isTrue();
		}
		// Refused by per-second; per-minute keeps its last token.
		Admission bySecond = limiter.decide("ip:1", plan);
		assertThat(bySecond.allowed()).isFalse();
		assertThat(bySecond.remaining().get(1)).isCloseTo(1.0, EXACT);

		clock.advanceTimeBy(Duration.ofSeconds(1));
		Admission sixth = limiter.decide("ip:1", plan);
		assertThat(sixth.allowed()).isTrue();
		assertThat(sixth.remaining().get(0)).isCloseTo(4.0, EXACT);
		assertThat(sixth.remaining().get(1)).isCloseTo(0.1, EXACT);

		// Refused by per-minute, twice over: per-second must not lose a token either time.
		for (int i = 0; i < 2; i++) {
			Admission byMinute = limiter.decide("ip:1", plan);
			assertThat(byMinute.allowed()).isFalse();
			assertThat(byMinute.remaining().get(0)).isCloseTo(4.0, EXACT);
			assertThat(byMinute.remaining().get(1)).isCloseTo(0.1, EXACT);
			assertThat(byMinute.retryAfter()).isBetween(Duration.ofMillis(8_999), Duration.ofMillis(9_001));
		}

		clock.advanceTimeBy(Duration.ofSeconds(9));
		Admission after = limiter.decide("ip:1", plan);
		assertThat(after.allowed()).isTrue();
		assertThat(after.remaining().get(0)).isCloseTo(4.0, EXACT);
	}

	@Test
	void quotasRefillWithTime() {
		InMemoryClientLimiter limiter = limiter(100);
		for (int i = 0; i < 10; i++) {
			limiter.decide("ip:1", Plan.free());
		}
		assertThat(limiter.decide("ip:1", Plan.free()).allowed()).isFalse();

		clock.advanceTimeBy(Duration.ofMillis(99));
		assertThat(limiter.decide("ip:1", Plan.free()).allowed()).isFalse();
		clock.advanceTimeBy(Duration.ofMillis(1));
		assertThat(limiter.decide("ip:1", Plan.free()).allowed()).isTrue();
		assertThat(limiter.decide("ip:1", Plan.free()).allowed()).isFalse();

		clock.advanceTimeBy(Duration.ofSeconds(1));
		Admission refilled = limiter.decide("ip:1", Plan.free());
		assertThat(refilled.allowed()).isTrue();
		assertThat(refilled.remaining().get(0)).isCloseTo(9.0, EXACT);
	}

	@Test
	void aClientOnAnotherPlanHasThatPlansQuotas() {
		InMemoryClientLimiter limiter = limiter(100);
		for (int i = 0; i < 10; i++) {
			limiter.decide("key:k", Plan.free());
		}
		assertThat(limiter.decide("key:k", Plan.free()).allowed()).isFalse();

		Admission paid = limiter.decide("key:k", Plan.paid());

		assertThat(paid.allowed()).isTrue();
		assertThat(paid.plan()).isEqualTo(Plan.paid());
		assertThat(paid.remaining().get(0)).isCloseTo(99.0, EXACT);
		assertThat(paid.remaining().get(1)).isCloseTo(2999.0, EXACT);
	}

	@Test
	void aPlanRedefinedUnderTheSameNameStartsAfresh() {
		InMemoryClientLimiter limiter = limiter(100);
		for (int i = 0; i < 10; i++) {
			limiter.decide("ip:1", Plan.free());
		}
		Plan roomier = Plan.free().withQuotas(List.of(Quota.parse("per-second:20/1s")));

		Admission admission = limiter.decide("ip:1", roomier);

		assertThat(admission.allowed()).isTrue();
		assertThat(admission.remaining()).hasSize(1);
		assertThat(admission.remaining().get(0)).isCloseTo(19.0, EXACT);
		assertThat(limiter.clients()).isEqualTo(1);
	}

	@Test
	void aFullTableNeverRefusesAClientWithinItsOwnBudget() {
		InMemoryClientLimiter limiter = limiter(4);
		Plan plan = plan("small", "per-second:10/1s");
		// A sprayer fills the table with debts (one token each, and the clock never moves)...
		for (int i = 1; i <= 4; i++) {
			assertThat(limiter.decide("ip:10.0.0." + i, plan).allowed()).isTrue();
		}
		// ...then every new address of its network shares one budget, and spends it.
		int sprayed = 0;
		for (int i = 5; i <= 30; i++) {
			sprayed += limiter.decide("ip:10.0.0." + i, plan).allowed() ? 1 : 0;
		}
		assertThat(sprayed).as("the sprayer's network gets one budget").isEqualTo(10);
		assertThat(limiter.clients()).isEqualTo(4);

		// A new client of another network has its whole budget, and only its own.
		for (int i = 1; i <= 10; i++) {
			assertThat(limiter.decide("ip:192.0.2.7", plan).allowed()).as("request %d", i).isTrue();
		}
		assertThat(limiter.decide("ip:192.0.2.7", plan).allowed()).isFalse();
		assertThat(limiter.decide("ip:198.51.100.1", plan).allowed()).isTrue();
		assertThat(limiter.decide("ip:2001:db8:0:1:0:0:0:1", plan).allowed()).isTrue();
		// A client named by a known key is never put on an overflow budget.
		assertThat(limiter.decide("key:known", plan).remaining().get(0)).isCloseTo(9.0, EXACT);
		assertThat(limiter.clients()).isEqualTo(5);
	}

	@Test
	void theLeastRecentlyUsedFullEntryMakesRoomAndADebtIsNeverEvicted() {
		InMemoryClientLimiter limiter = limiter(2);
		Plan plan = plan("small", "per-second:2/1s");
		limiter.decide("ip:10.0.0.1", plan);
		clock.advanceTimeBy(Duration.ofSeconds(1));
		// 10.0.0.1 has refilled; 10.0.0.2 now spends its whole budget.
		limiter.decide("ip:10.0.0.2", plan);
		limiter.decide("ip:10.0.0.2", plan);

		assertThat(limiter.decide("ip:10.0.0.3", plan).remaining().get(0)).as("own entry, not overflow").isCloseTo(1.0, EXACT);

		assertThat(limiter.clients()).isEqualTo(2);
		assertThat(limiter.overflowBudgets()).isZero();
		assertThat(limiter.decide("ip:10.0.0.2", plan).allowed()).as("its debt was kept").isFalse();
		// 10.0.0.1 lost nothing by its eviction: it was full, and a new entry is full.
		assertThat(limiter.decide("ip:10.0.0.4", plan).allowed()).as("no full entry left: overflow").isTrue();
		assertThat(limiter.overflowBudgets()).isEqualTo(1);
	}

	@Test
	void aSprayerCannotBuyBackASpentBudgetByChurningTheTable() {
		InMemoryClientLimiter limiter = limiter(1);
		Plan plan = plan("small", "per-second:3/1s");
		for (int i = 0; i < 3; i++) {
			limiter.decide("ip:203.0.113.9", plan);
		}
		for (int i = 0; i < 1_000; i++) {
			limiter.decide("ip:10." + (i >> 8) + "." + (i & 255) + ".1", plan);
		}

		assertThat(limiter.decide("ip:203.0.113.9", plan).allowed()).isFalse();
	}

	@Test
	void overflowBudgetsArePerAddressPrefix() {
		assertThat(InMemoryClientLimiter.prefixOf("ip:203.0.113.77")).isEqualTo("net:203.0.113.0/24");
		assertThat(InMemoryClientLimiter.prefixOf("ip:203.0.113.1")).isEqualTo("net:203.0.113.0/24");
		assertThat(InMemoryClientLimiter.prefixOf("ip:2001:db8:0:7:1:2:3:4")).isEqualTo("net:2001:db8:0:7:0:0:0:0/64");
		assertThat(InMemoryClientLimiter.prefixOf("ip:unknown")).isEqualTo("ip:unknown");
		assertThat(InMemoryClientLimiter.prefixOf("key:k")).isEqualTo("key:k");
	}

	@Test
	void anOverflowBudgetLastsUntilItIsFullAgainAndTheirNumberIsBounded() {
		InMemoryClientLimiter limiter = limiter(1);
		Plan plan = plan("small", "per-second:2/1s");
		limiter.decide("ip:10.0.0.1", plan);
		limiter.decide("ip:10.0.0.1", plan);

		limiter.decide("ip:10.0.1.2", plan);
		assertThat(limiter.overflowBudgets()).isEqualTo(1);
		clock.advanceTimeBy(Duration.ofMillis(400));
		assertThat(limiter.overflowBudgets()).as("still refilling: the debt is kept").isEqualTo(1);
		// Full again at 500 ms; Caffeine's timer wheel expires entries in steps of about a second.
		clock.advanceTimeBy(Duration.ofSeconds(3));
		assertThat(limiter.overflowBudgets()).as("full again: gone, as a fresh one is the same").isZero();

		for (int i = 0; i < 50; i++) {
			limiter.decide("ip:10.0." + (i + 2) + ".1", plan);
		}
		assertThat(limiter.overflowBudgets()).as("bounded by maxClients").isEqualTo(1);
	}

	@Test
	void aLazyAdmissionDecidesOnlyWhenSubscribed() {
		InMemoryClientLimiter limiter = limiter(10);
		Plan plan = plan("small", "per-second:1/1s");

		limiter.admit("ip:10.0.0.1", plan);
		limiter.admit("ip:10.0.0.1", plan);

		assertThat(limiter.clients()).as("nothing taken before subscription").isZero();
		assertThat(limiter.admit("ip:10.0.0.1", plan).block().allowed()).isTrue();
	}

	@Test
	void overflowBudgetsArePerPlan() {
		InMemoryClientLimiter limiter = limiter(1);
		Plan small = plan("small", "per-second:1/1s");
		Plan other = plan("other", "per-second:1/1s");
		limiter.decide("ip:10.0.0.1", small);

		assertThat(limiter.decide("ip:10.0.0.2", small).allowed()).isTrue();
		assertThat(limiter.decide("ip:10.0.0.3", small).allowed()).isFalse();
		assertThat(limiter.decide("ip:10.0.0.4", other).allowed()).isTrue();
	}

	@Test
	void concurrentRequestsAreAdmittedAsSequentialOnesWouldBeAndRefusalsCostNothing() {
		InMemoryClientLimiter limiter = limiter(100);
		AtomicInteger admitted = new AtomicInteger();
		Runnable requests = () -> {
			for (int i = 0; i < 50; i++) {
				if (limiter.decide("ip:1", Plan.free()).allowed()) {
					admitted.incrementAndGet();
				}
			}
		};
		// 8 s, four threads asking 200 times per 100 ms where one token comes back per 100 ms: the
		// burst of 10 at 0 s, then one at each of 0.1 s to 7.9 s.
		for (int step = 0; step < 80; step++) {
			RaceTestUtils.race(requests, requests, requests, requests);
			clock.advanceTimeBy(Duration.ofMillis(100));
		}

		int ideal = 10 + 79;
		assertThat(admitted.get()).isLessThanOrEqualTo(ideal).isGreaterThanOrEqualTo((int) Math.ceil(0.98 * ideal));
		Admission after = limiter.decide("ip:1", Plan.free());
		// Every refusal gave back the per-minute token it had taken: only the admitted ones are missing.
		assertThat(after.remaining().get(1)).isCloseTo(100 - admitted.get() - (after.allowed() ? 1 : 0) + 8 * 100 / 60.0,
				Offset.offset(1e-6));
	}

	@Test
	void eachDecisionIsReportedOnceWhateverTheNumberOfQuotas() {
		CountingMetrics counts = new CountingMetrics();
		InMemoryClientLimiter limiter = new InMemoryClientLimiter(clock, counts, 100);
		for (int i = 0; i < 15; i++) {
			limiter.decide("ip:1", Plan.free());
		}

		assertThat(counts.granted).hasValue(10);
		assertThat(counts.denied).hasValue(5);
		assertThat(counts.returned).hasValue(0);
	}

	static final class CountingMetrics implements RateLimiterMetrics {

		final AtomicInteger granted = new AtomicInteger();
		final AtomicInteger denied = new AtomicInteger();
		final AtomicInteger returned = new AtomicInteger();

		@Override
		public void granted(int permits) {
			granted.addAndGet(permits);
		}

		@Override
		public void denied(int permits) {
			denied.addAndGet(permits);
		}

		@Override
		public void waited(long nanos) {
		}

		@Override
		public void returned(double tokens) {
			returned.incrementAndGet();
		}
	}

	@Test
	void fullBucketsAreSweptOnceTheSweepIntervalHasPassed() {
		InMemoryClientLimiter limiter = limiter(1_000);
		limiter.decide("ip:a", Plan.free());
		clock.advanceTimeBy(Duration.ofSeconds(10));

		limiter.decide("ip:b", Plan.free());
		// a refilled long ago but the last sweep is recent: both stay.
		assertThat(limiter.clients()).isEqualTo(2);

		clock.advanceTimeBy(Duration.ofSeconds(21));
		limiter.decide("ip:c", Plan.free());
		// 31 s after the start: a and b are full and swept; c has just taken a token.
		assertThat(limiter.clients()).isEqualTo(1);
	}

	@Test
	void admitIsTheDecisionAsAMono() {
		InMemoryClientLimiter limiter = limiter(10);

		StepVerifier.create(limiter.admit("ip:1", Plan.free()))
				.assertNext(admission -> {
					assertThat(admission.allowed()).isTrue();
					assertThat(admission.remaining().get(0)).isCloseTo(9.0, EXACT);
				})
				.verifyComplete();
		limiter.close();
	}
}
