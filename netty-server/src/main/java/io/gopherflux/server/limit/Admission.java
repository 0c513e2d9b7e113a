package io.gopherflux.server.limit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A limiter's decision on one request and the state of each of the plan's quotas right after it:
 * what the {@code RateLimit} and {@code Retry-After} header fields are made of.
 *
 * @param allowed    whether the request was admitted (and counted)
 * @param retryAfter when refused, how long until every quota would admit one request; zero when allowed
 * @param remaining  the tokens left in each quota, in the plan's order (fractional while one refills)
 * @param plan       the plan that decided
 */
public record Admission(boolean allowed, Duration retryAfter, List<Double> remaining, Plan plan) {

	/**
	 * Copies {@code remaining} and checks it against the plan.
	 *
	 * @param allowed    whether the request was admitted (and counted)
	 * @param retryAfter when refused, how long until every quota would admit one request; zero when allowed
	 * @param remaining  the tokens left in each quota, in the plan's order (fractional while one refills)
	 * @param plan       the plan that decided
	 * @throws IllegalArgumentException if {@code remaining} does not match the plan's quotas
	 */
	public Admission {
		Objects.requireNonNull(retryAfter, "retryAfter");
		Objects.requireNonNull(plan, "plan");
		remaining = List.copyOf(remaining);
		if (remaining.size() != plan.quotas().size()) {
			throw new IllegalArgumentException("remaining has " + remaining.size() + " entries for "
					+ plan.quotas().size() + " quotas");
		}
	}

	/**
	 * The decision told by token counts: refused requests wait until the emptiest quota has a
	 * whole token again.
	 *
	 * @param allowed   whether the request was admitted (and counted)
	 * @param remaining the tokens left in each quota, in the plan's order
	 * @param plan      the plan that decided
	 * @return the decision, its {@code retryAfter} computed from the quotas' refill rates when refused
	 */
	public static Admission of(boolean allowed, List<Double> remaining, Plan plan) {
		long waitNanos = 0;
		if (!allowed) {
			for (int i = 0; i < remaining.size(); i++) {
				double tokens = remaining.get(i);
				if (tokens < 1) {
					Quota quota = plan.quotas().get(i);
					double nanosPerToken = (double) quota.window().toNanos() / quota.quota();
					waitNanos = Math.max(waitNanos, (long) Math.ceil((1 - tokens) * nanosPerToken));
				}
			}
		}
		return new Admission(allowed, Duration.ofNanos(waitNanos), remaining, plan);
	}
}
