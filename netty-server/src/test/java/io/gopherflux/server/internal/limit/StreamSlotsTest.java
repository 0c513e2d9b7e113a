package io.gopherflux.server.internal.limit;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.test.util.RaceTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import io.gopherflux.server.limit.LimitMetrics;

class StreamSlotsTest {

	final StreamSlots slots = new StreamSlots();

	/** The table itself: the class promises an entry only per client with a stream open. */
	int entries() throws ReflectiveOperationException {
		Field open = StreamSlots.class.getDeclaredField("open");
		open.setAccessible(true);
		return ((Map<?, ?>) open.get(slots)).size();
	}

	@Test
	void aNullClientIsRefused() {
		assertThatNullPointerException().isThrownBy(() -> slots.tryAcquire(null, 1)).withMessage("client");
		assertThatNullPointerException().isThrownBy(() -> slots.hasRoom(null, 1)).withMessage("client");
	}

	@Test
	void hasRoomTakesNoSlotAndCountsAClientWithoutRoomAsRefused() throws ReflectiveOperationException {
		AtomicInteger refused = new AtomicInteger();
		StreamSlots counted = new StreamSlots(new LimitMetrics() {
			@Override
			public void refused(Refusal reason) {
				assertThat(reason).isEqualTo(Refusal.TOO_MANY_STREAMS);
				refused.incrementAndGet();
			}

			@Override
			public void overflowed() {
			}

			@Override
			public void connectionRefused() {
			}

			@Override
			public void connectionClosed(Closure reason) {
			}
		});

		assertThat(counted.hasRoom("ip:1", 1)).isTrue();
		assertThat(counted.active()).isZero();
		assertThat(counted.tryAcquire("ip:1", 1)).isTrue();
		assertThat(counted.hasRoom("ip:1", 1)).isFalse();
		assertThat(counted.hasRoom("ip:1", 2)).isTrue();
		assertThat(counted.hasRoom("ip:2", 0)).isFalse();
		assertThat(refused).hasValue(2);
		assertThat(counted.active()).isEqualTo(1);
		assertThat(slots.hasRoom("ip:9", 1)).isTrue();
		assertThat(entries()).as("no entry made by asking").isZero();
	}

	@Test
	void aClientGetsUpToItsCap() {
		assertThat(slots.tryAcquire("ip:1", 2)).isTrue();
		assertThat(slots.tryAcquire("ip:1", 2)).isTrue();
		assertThat(slots.tryAcquire("ip:1", 2)).isFalse();

		assertThat(slots.active("ip:1")).isEqualTo(2);
		assertThat(slots.active()).isEqualTo(2);
	}

	@Test
	void aCapOfZeroAdmitsNothing() throws ReflectiveOperationException {
		assertThat(slots.tryAcquire("ip:1", 0)).isFalse();
		assertThat(slots.tryAcquire("ip:1", -1)).isFalse();
		assertThat(slots.active()).isZero();
		assertThat(entries()).isZero();
	}

	@Test
	void clientsAreCountedApartAndTogether() {
		slots.tryAcquire("ip:1", 1);
		slots.tryAcquire("ip:2", 1);

		assertThat(slots.tryAcquire("ip:1", 1)).isFalse();
		assertThat(slots.active("ip:1")).isEqualTo(1);
		assertThat(slots.active("ip:2")).isEqualTo(1);
		assertThat(slots.active("ip:3")).isZero();
		assertThat(slots.active()).isEqualTo(2);
	}

	@Test
	void aReleasedSlotCanBeTakenAgain() {
		slots.tryAcquire("ip:1", 1);
		slots.release("ip:1");

		assertThat(slots.tryAcquire("ip:1", 1)).isTrue();
		assertThat(slots.active()).isEqualTo(1);
	}

	@Test
	void theEntryGoesWithTheLastStream() throws ReflectiveOperationException {
		slots.tryAcquire("ip:1", 3);
		slots.tryAcquire("ip:1", 3);
		slots.release("ip:1");
		assertThat(entries()).isEqualTo(1);

		slots.release("ip:1");

		assertThat(entries()).isZero();
		assertThat(slots.active("ip:1")).isZero();
		assertThat(slots.active()).isZero();
	}

	@Test
	void releasingWhatWasNotTakenChangesNothing() throws ReflectiveOperationException {
		slots.release("ip:nobody");
		slots.tryAcquire("ip:1", 1);
		slots.release("ip:1");
		slots.release("ip:1");

		assertThat(slots.active()).isZero();
		assertThat(entries()).isZero();
		assertThat(slots.tryAcquire("ip:1", 1)).isTrue();
		assertThat(slots.tryAcquire("ip:1", 1)).isFalse();
	}

	@Test
	void twoThreadsRacingForTheLastSlotGetOneBetweenThem() throws ReflectiveOperationException {
		for (int round = 0; round < 2_000; round++) {
			AtomicInteger taken = new AtomicInteger();
			slots.tryAcquire("ip:1", 2);
			RaceTestUtils.race(() -> {
				if (slots.tryAcquire("ip:1", 2)) {
					taken.incrementAndGet();
				}
			}, () -> {
				if (slots.tryAcquire("ip:1", 2)) {
					taken.incrementAndGet();
				}
			});

			assertThat(taken).hasValue(1);
			assertThat(slots.active("ip:1")).isEqualTo(2);
			slots.release("ip:1");
			slots.release("ip:1");
		}
		assertThat(slots.active()).isZero();
		assertThat(entries()).isZero();
	}

	@Test
	void acquireAndReleaseRacingLeaveTheCountsRight() throws ReflectiveOperationException {
		for (int round = 0; round < 2_000; round++) {
			slots.tryAcquire("ip:1", 1);
			AtomicInteger taken = new AtomicInteger();
			// Releasing the only stream races a new one: the new one gets in or finds the slot still held.
			RaceTestUtils.race(() -> slots.release("ip:1"), () -> {
				if (slots.tryAcquire("ip:1", 1)) {
					taken.incrementAndGet();
				}
			});

			assertThat(slots.active()).isEqualTo(taken.get());
			assertThat(slots.active("ip:1")).isEqualTo(taken.get());
			assertThat(entries()).isEqualTo(taken.get());
			if (taken.get() == 1) {
				slots.release("ip:1");
			}
		}
		assertThat(slots.active()).isZero();
		assertThat(entries()).isZero();
	}

	@Test
	void manyClientsAcquiringAndReleasingFromTwoThreadsEndAtZero() throws ReflectiveOperationException {
		Runnable churn = () -> {
			for (int i = 0; i < 200; i++) {
				String client = "ip:" + (i % 7);
				if (slots.tryAcquire(client, 3)) {
					slots.release(client);
				}
			}
		};
		for (int round = 0; round < 50; round++) {
			RaceTestUtils.race(churn, churn);
		}

		assertThat(slots.active()).isZero();
		assertThat(entries()).isZero();
	}
}
