package io.gopherflux.server.limit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gopherflux.ratelimit.Limit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlansTest {

	static final Plan GOLD = new Plan("gold", List.of(Quota.parse("per-second:1000/1s")), Limit.INF, 100);

	static Map<String, Plan> plans(Plan... plans) {
		Map<String, Plan> map = new LinkedHashMap<>();
		for (Plan plan : plans) {
			map.put(plan.name(), plan);
		}
		return map;
	}

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> new Plans(null, "free", Map.of())).withMessage("plans");
		assertThatNullPointerException().isThrownBy(() -> new Plans(plans(Plan.free()), null, Map.of()))
				.withMessage("defaultPlan");
		assertThatNullPointerException().isThrownBy(() -> new Plans(plans(Plan.free()), "free", null))
				.withMessage("apiKeys");
	}

	@Test
	void theDefaultPlanMustBeOneOfThePlans() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Plans(plans(Plan.free()), "gold", Map.of()))
				.withMessageContaining("default plan 'gold'").withMessageContaining("[free]");
	}

	@Test
	void anApiKeyMustBeOnOneOfThePlans() {
		assertThatIllegalArgumentException()
				.isThrownBy(() -> new Plans(plans(Plan.free()), "free", Map.of("k1", "platinum")))
				.withMessageContaining("'platinum'");
	}

	@Test
	void aPlanMustBeFiledUnderItsOwnName() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Plans(Map.of("free", GOLD), "free", Map.of()))
				.withMessageContaining("plan 'gold' is filed as 'free'");
	}

	@Test
	void apiKeysMapToTheirPlansAndEveryoneElseGetsTheDefault() {
		Plans plans = new Plans(plans(Plan.free(), Plan.paid(), GOLD), "free", Map.of("k-paid", "paid", "k-gold", "gold"));

		assertThat(plans.planFor("k-paid")).isEqualTo(Plan.paid());
		assertThat(plans.planFor("k-gold")).isEqualTo(GOLD);
		assertThat(plans.planFor("someone-else")).isEqualTo(Plan.free());
		assertThat(plans.planFor(null)).isEqualTo(Plan.free());
	}

	@Test
	void theDefaultPlanNeedNotBeFree() {
		Plans plans = new Plans(plans(Plan.free(), GOLD), "gold", Map.of());

		assertThat(plans.planFor(null)).isEqualTo(GOLD);
	}

	@Test
	void theDefaultsAreFreeForEveryoneAndPaidForNoKeyYet() {
		Plans plans = Plans.defaults();

		assertThat(plans.defaultPlan()).isEqualTo("free");
		assertThat(plans.plans()).containsOnlyKeys("free", "paid");
		assertThat(plans.plans().get("paid")).isEqualTo(Plan.paid());
		assertThat(plans.apiKeys()).isEmpty();
		assertThat(plans.planFor("any")).isEqualTo(Plan.free());
	}

	@Test
	void theMapsAreCopiesThatCannotChange() {
		Map<String, Plan> map = plans(Plan.free());
		Map<String, String> keys = new LinkedHashMap<>(Map.of("k", "free"));
		Plans plans = new Plans(map, "free", keys);
		map.put("gold", GOLD);
		keys.put("k2", "free");

		assertThat(plans.plans()).containsOnlyKeys("free");
		assertThat(plans.apiKeys()).containsOnlyKeys("k");
		assertThatThrownBy(() -> plans.plans().put("gold", GOLD)).isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> plans.apiKeys().put("k3", "free")).isInstanceOf(UnsupportedOperationException.class);
	}
}
