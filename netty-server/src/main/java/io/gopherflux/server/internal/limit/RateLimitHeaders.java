package io.gopherflux.server.internal.limit;

import java.util.List;
import io.gopherflux.server.limit.Admission;
import io.gopherflux.server.limit.Plan;
import io.gopherflux.server.limit.Quota;

/**
 * The header fields of draft-ietf-httpapi-ratelimit-headers, in structured-field syntax:
 * {@code RateLimit-Policy} lists each quota ({@code "per-second";q=10;w=1}), {@code RateLimit} the
 * state of each after the request ({@code "per-second";r=3;t=1}: {@code r} requests remaining,
 * {@code t} seconds until the quota is whole again), and {@code Retry-After} the whole seconds a
 * refused client should wait.
 */
public final class RateLimitHeaders {

	/** The policy field's name. */
	public static final String POLICY = "RateLimit-Policy";
	/** The state field's name. */
	public static final String STATE = "RateLimit";
	/** Retry-After. */
	public static final String RETRY_AFTER = "Retry-After";

	/** How far a computed wait may overshoot a whole second through floating-point rounding. */
	static final long ROUNDING_NANOS = 1_000;

	private RateLimitHeaders() {
	}

	/** {@code RateLimit-Policy} for {@code plan}. */
	public static String policy(Plan plan) {
		StringBuilder out = new StringBuilder();
		for (Quota quota : plan.quotas()) {
			if (!out.isEmpty()) {
				out.append(", ");
			}
			out.append('"').append(quota.name()).append("\";q=").append(quota.quota())
					.append(";w=").append(quota.windowSeconds());
		}
		return out.toString();
	}

	/** {@code RateLimit} after {@code admission}. */
	public static String state(Admission admission) {
		List<Quota> quotas = admission.plan().quotas();
		// Sized for a name and two numbers per quota: growing the builder cost more than filling it.
		StringBuilder out = new StringBuilder(48 * quotas.size());
		for (int i = 0; i < quotas.size(); i++) {
			Quota quota = quotas.get(i);
			double tokens = admission.remaining().get(i);
			if (i > 0) {
				out.append(", ");
			}
			out.append('"').append(quota.name()).append("\";r=").append(remaining(tokens, quota))
					.append(";t=").append(secondsUntilFull(tokens, quota));
		}
		return out.toString();
	}

	/** {@code Retry-After} for a refused {@code admission}: its wait rounded up to whole seconds, at least 1. */
	public static long retryAfterSeconds(Admission admission) {
		// Token counts are doubles: a wait of exactly 11 s may arrive as 11.000000001 s, which is 11, not 12.
		long nanos = Math.max(0, admission.retryAfter().toNanos() - ROUNDING_NANOS);
		return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
	}

	static long remaining(double tokens, Quota quota) {
		if (Double.isInfinite(tokens)) {
			return quota.quota();
		}
		return Math.max(0, Math.min(quota.quota(), (long) Math.floor(tokens + 1e-9)));
	}

	static long secondsUntilFull(double tokens, Quota quota) {
		if (Double.isInfinite(tokens) || tokens >= quota.quota()) {
			return 0;
		}
		double missing = quota.quota() - tokens;
		double seconds = missing * quota.windowSeconds() / quota.quota();
		return (long) Math.ceil(seconds - 1e-9);
	}
}
