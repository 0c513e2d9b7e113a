package io.gopherflux.server.limit;

import java.util.ArrayList;
import java.util.List;

import io.gopherflux.ratelimit.Limit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanTest {

	static final List<Quota> QUOTAS = List.of(Quota.parse("per-second:10/1s"));

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> new Plan(null, QUOTAS, Limit.of(1), 1)).withMessage("name");
		assertThatNullPointerException().isThrownBy(() -> new Plan("a", null, Limit.of(1), 1)).withMessage("quotas");
		assertThatNullPointerException().isThrownBy(() -> new Plan("a", QUOTAS, null, 1)).withMessage("streamRate");
	}

	@ParameterizedTest
	@ValueSource(strings = {"", "Free", "1a", "a-b", "a_b", "a b", "abcdefghijklmnopqrstuvwxyzabcdefg"})
	void aBadNameIsRefused(String name) {
		assertThatIllegalArgumentException().isThrownBy(() -> new Plan(name, QUOTAS, Limit.of(1), 1))
				.withMessageContaining("plan name").withMessageContaining("'" + name + "'");
	}

	@Test
	void aPlanNeedsAQuota() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Plan("gold", List.of(), Limit.of(1), 1))
				.withMessageContaining("'gold'").withMessageContaining("at least one quota");
	}

	@Test
	void quotaNamesAreDistinct() {
		List<Quota> twice = List.of(Quota.parse("fast:10/1s"), Quota.parse("fast:100/1m"));
		assertThatIllegalArgumentException().isThrownBy(() -> new Plan("gold", twice, Limit.of(1), 1))
				.withMessageContaining("two quotas named 'fast'");
	}

	@Test
	void aZeroStreamRateIsRefusedButUnlimitedIsFine() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Plan("gold", QUOTAS, Limit.ZERO, 1))
				.withMessageContaining("stream rate of plan 'gold'");
		assertThat(new Plan("gold", QUOTAS, Limit.INF, 1).streamRate().isInfinite()).isTrue();
	}

	@Test
	void maxStreamsIsAtLeastOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Plan("gold", QUOTAS, Limit.of(1), 0))
				.withMessageContaining("max streams of plan 'gold'").withMessageContaining("0");
		assertThat(new Plan("gold", QUOTAS, Limit.of(1), 1).maxStreams()).isEqualTo(1);
	}

	@Test
	void theQuotasAreACopyThatCannotChange() {
		List<Quota> quotas = new ArrayList<>(QUOTAS);
		Plan plan = new Plan("gold", quotas, Limit.of(1), 1);
		quotas.add(Quota.parse("per-minute:1/1m"));

		assertThat(plan.quotas()).isEqualTo(QUOTAS);
		assertThatThrownBy(() -> plan.quotas().clear()).isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void theBuiltInPlansAreAsDocumented() {
		assertThat(Plan.free()).isEqualTo(new Plan("free",
				List.of(Quota.parse("per-second:10/1s"), Quota.parse("per-minute:100/1m")), Limit.of(100), 4, 4));
		assertThat(Plan.paid()).isEqualTo(new Plan("paid",
				List.of(Quota.parse("per-second:100/1s"), Quota.parse("per-minute:3000/1m")), Limit.of(10_000), 32, 16));
	}

	@Test
	void withersChangeOneThingAndValidateIt() {
		Plan free = Plan.free();

		assertThat(free.withQuotas(QUOTAS).quotas()).isEqualTo(QUOTAS);
		assertThat(free.withQuotas(QUOTAS).maxStreams()).isEqualTo(4);
		assertThat(free.withStreamRate(Limit.of(5)).streamRate()).isEqualTo(Limit.of(5));
		assertThat(free.withMaxStreams(9).maxStreams()).isEqualTo(9);
		assertThat(free.withMaxStreams(9).quotas()).isEqualTo(free.quotas());
		assertThatIllegalArgumentException().isThrownBy(() -> free.withMaxStreams(0));
		assertThat(free.withMaxWorkers(2).maxWorkers()).isEqualTo(2);
		assertThat(free.withMaxWorkers(2).withMaxStreams(9).maxWorkers()).as("kept by the other withers").isEqualTo(2);
		assertThatIllegalArgumentException().isThrownBy(() -> free.withMaxWorkers(0))
				.withMessage("max workers of plan 'free' must be at least 1, was 0");
		assertThat(new Plan("gold", QUOTAS, Limit.of(1), 1).maxWorkers()).as("unless told, the free plan's")
				.isEqualTo(Plan.DEFAULT_MAX_WORKERS);
		assertThatIllegalArgumentException().isThrownBy(() -> free.withQuotas(List.of()));
	}
}
