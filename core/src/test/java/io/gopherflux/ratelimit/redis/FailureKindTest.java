package io.gopherflux.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisReadOnlyException;
import io.lettuce.core.cluster.PartitionSelectorException;
import io.lettuce.core.cluster.models.partitions.Partitions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FailureKindTest {

	@Test
	void noAnswerIsAnOutage() {
		assertThat(FailureKind.of(new TimeoutException())).isEqualTo(FailureKind.OUTAGE);
		assertThat(FailureKind.of(new RedisCommandTimeoutException("Command timed out"))).isEqualTo(FailureKind.OUTAGE);
		assertThat(FailureKind.of(new RedisConnectionException("Unable to connect"))).isEqualTo(FailureKind.OUTAGE);
		assertThat(FailureKind.of(new RedisException("Currently not connected. Commands are rejected."))).isEqualTo(FailureKind.OUTAGE);
		assertThat(FailureKind.of(new PartitionSelectorException("Cannot determine a partition for slot 42.", new Partitions())))
				.isEqualTo(FailureKind.OUTAGE);
		assertThat(FailureKind.of(new CompletionException(new RedisConnectionException("Connection closed"))))
				.as("unwrapped").isEqualTo(FailureKind.OUTAGE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "CLUSTERDOWN The cluster is down", "MASTERDOWN Link with MASTER is down",
			"OOM command not allowed when used memory > 'maxmemory'", "NOAUTH Authentication required.",
			"MOVED 3999 127.0.0.1:6381", "ASK 3999 127.0.0.1:6381", "ERR unknown command 'EVALSHA'" })
	void serverErrorsThatSayRedisCannotServeAreOutages(String reply) {
		assertThat(FailureKind.of(new RedisCommandExecutionException(reply))).isEqualTo(FailureKind.OUTAGE);
	}

	@Test
	void lettucesOwnKindsOfUnavailableServersAreOutages() {
		assertThat(FailureKind.of(new RedisLoadingException("LOADING Redis is loading the dataset in memory")))
				.isEqualTo(FailureKind.OUTAGE);
		assertThat(FailureKind.of(new RedisBusyException("BUSY Redis is busy running a script"))).isEqualTo(FailureKind.OUTAGE);
		assertThat(FailureKind.of(new RedisReadOnlyException("READONLY You can't write against a read only replica.")))
				.isEqualTo(FailureKind.OUTAGE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "CROSSSLOT Keys in request don't hash to the same slot",
			"WRONGTYPE Operation against a key holding the wrong kind of value script: 4b1b, on @user_script:12.",
			"TRYAGAIN Multiple keys request during rehashing of slot",
			"ERR user_script:15: attempt to perform arithmetic on a nil value script: 4b1b, on @user_script:15.",
			"ERR Error running script (call to f_4b1b): @user_script:15: attempt to compare nil with number" })
	void errorsACallsOwnKeysCauseAreNotOutages(String reply) {
		assertThat(FailureKind.of(new RedisCommandExecutionException(reply))).isEqualTo(FailureKind.CALL);
		assertThat(FailureKind.of(new CompletionException(new RedisCommandExecutionException(reply)))).isEqualTo(FailureKind.CALL);
	}
}
