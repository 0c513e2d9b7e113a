package io.gopherflux.server.limit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gopherflux.ratelimit.Limit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class AdmissionTest {

	static final Plan FREE = Plan.free();

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> new Admission(true, null, List.of(1.0, 1.0), FREE))
				.withMessage("retryAfter");
		assertThatNullPointerException().isThrownBy(() -> new Admission(true, Duration.ZERO, List.of(1.0, 1.0), null))
				.withMessage("plan");
		assertThatNullPointerException().isThrownBy(() -> new Admission(true, Duration.ZERO, null, FREE));
	}

	@Test
	void remainingMustMatchThePlansQuotas() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Admission(true, Duration.ZERO, List.of(1.0), FREE))
				.withMessageContaining("1 entries for 2 quotas");
	}

	@Test
	void remainingIsACopy() {
		List<Double> remaining = new ArrayList<>(List.of(1.0, 2.0));
		Admission admission = new Admission(true, Duration.ZERO, remaining, FREE);
		remaining.set(0, 5.0);

		assertThat(admission.remaining()).containsExactly(1.0, 2.0);
	}

	@Test
	void anAllowedRequestWaitsForNothing() {
		Admission admission = Admission.of(true, List.of(0.0, 0.5), FREE);

		assertThat(admission.allowed()).isTrue();
		assertThat(admission.retryAfter()).isZero();
	}

	@Test
	void aRefusedRequestWaitsForTheEmptiestQuotaToHoldAWholeToken() {
		// per-second refills a token in 100 ms; per-minute in 600 ms, half of which is still missing.
		assertThat(Admission.of(false, List.of(0.0, 50.0), FREE).retryAfter()).isEqualTo(Duration.ofMillis(100));
		assertThat(Admission.of(false, List.of(0.0, 0.5), FREE).retryAfter()).isEqualTo(Duration.ofMillis(300));
		assertThat(Admission.of(false, List.of(5.0, 0.0), FREE).retryAfter()).isEqualTo(Duration.ofMillis(600));
		assertThat(Admission.of(false, List.of(0.75, 0.0), FREE).retryAfter()).isEqualTo(Duration.ofMillis(600));
	}

	@Test
	void aQuotaInDebtWaitsForTheDebtToo() {
		assertThat(Admission.of(false, List.of(-2.0, 50.0), FREE).retryAfter()).isEqualTo(Duration.ofMillis(300));
	}

	@Test
	void theWaitIsRoundedUpToTheNanosecond() {
		Plan thirds = new Plan("thirds", List.of(Quota.parse("per-second:3/1s")), Limit.INF, 1);

		assertThat(Admission.of(false, List.of(0.0), thirds).retryAfter()).isEqualTo(Duration.ofNanos(333_333_334));
	}

	@Test
	void aRefusalWithEveryQuotaHoldingATokenWaitsForNothing() {
		assertThat(Admission.of(false, List.of(3.0, 3.0), FREE).retryAfter()).isZero();
	}

	@Test
	void theDecisionKeepsItsInputs() {
		Admission admission = Admission.of(false, List.of(0.0, 7.0), FREE);

		assertThat(admission.allowed()).isFalse();
		assertThat(admission.remaining()).containsExactly(0.0, 7.0);
		assertThat(admission.plan()).isSameAs(FREE);
	}
}
