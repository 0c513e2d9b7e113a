package io.gopherflux.server.limit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The plans a server offers, which API keys are on which, and the plan of everyone else.
 *
 * @param plans       the plans by name
 * @param defaultPlan the plan of clients without a known API key
 * @param apiKeys     API key → plan name
 */
public record Plans(Map<String, Plan> plans, String defaultPlan, Map<String, String> apiKeys) {

	/**
	 * Copies the maps and checks that every plan they name exists.
	 *
	 * @param plans       the plans by name, each filed under its own name; their order is kept
	 * @param defaultPlan the name of the plan of clients without a known API key
	 * @param apiKeys     API key → plan name
	 * @throws IllegalArgumentException if the default plan or an API key's plan is not among the plans,
	 *                                  or a plan is filed under another name than its own
	 */
	public Plans {
		plans = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(plans, "plans")));
		Objects.requireNonNull(defaultPlan, "defaultPlan");
		apiKeys = Map.copyOf(Objects.requireNonNull(apiKeys, "apiKeys"));
		if (!plans.containsKey(defaultPlan)) {
			throw new IllegalArgumentException("default plan '" + defaultPlan + "' is not one of the plans " + plans.keySet());
		}
		for (Map.Entry<String, String> e : apiKeys.entrySet()) {
			if (!plans.containsKey(e.getValue())) {
				throw new IllegalArgumentException("an API key is on plan '" + e.getValue()
						+ "', which is not one of the plans " + plans.keySet());
			}
		}
		for (Map.Entry<String, Plan> e : plans.entrySet()) {
			if (!e.getKey().equals(e.getValue().name())) {
				throw new IllegalArgumentException("plan '" + e.getValue().name() + "' is filed as '" + e.getKey() + "'");
			}
		}
	}

	/**
	 * The built-in plans: {@link Plan#free()} for everyone, {@link Plan#paid()} for no key yet.
	 *
	 * @return the default plans, with no API keys
	 */
	public static Plans defaults() {
		Map<String, Plan> plans = new LinkedHashMap<>();
		plans.put("free", Plan.free());
		plans.put("paid", Plan.paid());
		return new Plans(plans, "free", Map.of());
	}

	/**
	 * The plan of a request carrying {@code apiKey} (null for none).
	 *
	 * @param apiKey the request's API key, or null
	 * @return the key's plan, or the default plan for no key or a key not listed
	 */
	public Plan planFor(String apiKey) {
		String name = apiKey == null ? null : apiKeys.get(apiKey);
		return plans.get(name == null ? defaultPlan : name);
	}
}
