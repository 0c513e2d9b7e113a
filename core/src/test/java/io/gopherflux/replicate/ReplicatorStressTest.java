package io.gopherflux.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.util.RaceTestUtils;

/** Two replicas answering at the same moment on two threads: one winner, consistent accounting. */
class ReplicatorStressTest {

	@Test
	void twoReplicasRacingOnTwoThreadsHaveExactlyOneWinner() throws InterruptedException {
		AtomicInteger wins = new AtomicInteger();
		AtomicInteger cancelled = new AtomicInteger();
		ReplicateMetrics metrics = new ReplicateMetrics() {
			@Override
			public void won(int replica, Duration latency) {
				wins.incrementAndGet();
			}

			@Override
			public void replicaCancelled(int replica) {
				cancelled.incrementAndGet();
			}
		};
		Replicator replicator = Replicator.of(ReplicateConfig.of(2).withMetrics(metrics));
		int rounds = 2_000;

		for (int round = 0; round < rounds; round++) {
			List<Sinks.One<Integer>> replicas = List.of(Sinks.one(), Sinks.one());
			AtomicReference<Integer> value = new AtomicReference<>();
			CountDownLatch completed = new CountDownLatch(1);
			int cancelledBefore = cancelled.get();

			replicator.<Integer>request(i -> replicas.get(i).asMono()).subscribe(value::set, e -> { }, completed::countDown);
			RaceTestUtils.race(() -> replicas.get(0).tryEmitValue(0), () -> replicas.get(1).tryEmitValue(1));

			assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(value.get()).isIn(0, 1);
			assertThat(wins).hasValue(round + 1);
			assertThat(cancelled.get() - cancelledBefore).isBetween(0, 1);
		}

		assertThat(wins).hasValue(rounds);
		assertThat(cancelled.get()).as("a loser is cancelled only if it had not answered yet").isBetween(0, rounds);
	}
}
