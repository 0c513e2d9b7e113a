package io.gopherflux.server.limit;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.RateLimiterMetrics;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
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
	void whenTheTableIsFullNewClientsShareAnOverflowBucketUntilFullBucketsAreSwept() {
		InMemoryClientLimiter limiter = limiter(2);
		Plan plan = plan("small", "per-second:2/1s");
		assertThat(limiter.decide("ip:a", plan).remaining().get(0)).isCloseTo(1.0, EXACT);
		assertThat(limiter.decide("ip:b", plan).remaining().get(0)).isCloseTo(1.0, EXACT);

		// a and b are not full, so nothing can be swept: c, d and e share one bucket.
		assertThat(limiter.decide("ip:c", plan).remaining().get(0)).isCloseTo(1.0, EXACT);
		assertThat(limiter.decide("ip:d", plan).remaining().get(0)).isCloseTo(0.0, EXACT);
		assertThat(limiter.decide("ip:e", plan).allowed()).isFalse();
		assertThat(limiter.clients()).isEqualTo(3);
		// Known clients keep their own buckets meanwhile.
		assertThat(limiter.decide("ip:a", plan).allowed()).isTrue();
		assertThat(limiter.decide("ip:a", plan).allowed()).isFalse();

		clock.advanceTimeBy(Duration.ofSeconds(1));
		Admission f = limiter.decide("ip:f", plan);

		assertThat(f.allowed()).isTrue();
		assertThat(f.remaining().get(0)).isCloseTo(1.0, EXACT);
		assertThat(limiter.clients()).isEqualTo(1);
	}

	@Test
	void overflowBucketsArePerPlan() {
		InMemoryClientLimiter limiter = limiter(1);
		Plan small = plan("small", "per-second:1/1s");
		Plan other = plan("other", "per-second:1/1s");
		limiter.decide("ip:a", small);

		assertThat(limiter.decide("ip:b", small).allowed()).isTrue();
		assertThat(limiter.decide("ip:c", small).allowed()).isFalse();
		assertThat(limiter.decide("ip:d", other).allowed()).isTrue();
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
