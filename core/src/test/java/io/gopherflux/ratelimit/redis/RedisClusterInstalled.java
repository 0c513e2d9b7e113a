package io.gopherflux.ratelimit.redis;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class that needs a {@link RedisCluster} where {@code redis-server} or
 * {@code redis-cli} is not installed, saying how to install them; under {@code CI} it never skips,
 * so that {@link RedisCluster#start()} fails instead.
 */
public final class RedisClusterInstalled implements ExecutionCondition {

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		boolean installed = RedisServer.findBinary("redis-server").isPresent() && RedisServer.findBinary("redis-cli").isPresent();
		if (installed || RedisServer.onCi()) {
			return ConditionEvaluationResult.enabled("redis-server and redis-cli are installed, or CI requires them");
		}
		return ConditionEvaluationResult.disabled("redis-server or redis-cli is not on the PATH: Redis Cluster tests skipped; "
				+ RedisCluster.INSTALL);
	}
}
