package io.gopherflux.ratelimit.redis;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class that needs redis-server where it is not installed, saying how to install it;
 * under {@code CI} it never skips, so that {@link RedisServer#start()} fails instead.
 */
final class RedisServerInstalled implements ExecutionCondition {

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (RedisServer.findBinary().isPresent() || RedisServer.onCi()) {
			return ConditionEvaluationResult.enabled("redis-server is installed, or CI requires it");
		}
		return ConditionEvaluationResult.disabled("redis-server is not on the PATH: Redis tests skipped; " + RedisServer.INSTALL);
	}
}
