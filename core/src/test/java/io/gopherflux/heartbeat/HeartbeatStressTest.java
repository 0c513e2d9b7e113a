package io.gopherflux.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Real threads: results arrive on one thread, pulses and watchdog timers fire on others, and the
 * consumer requests from yet another. Whatever the interleaving, the protocol holds: values in
 * order, none lost before a completion, one terminal signal, nothing after it.
 */
class HeartbeatStressTest {

	@Test
	void resultsPulsesTimersAndRequestsFromDifferentThreadsKeepTheProtocol() throws InterruptedException {
		Scheduler producer = Schedulers.newSingle("producer");
		Scheduler requester = Schedulers.newSingle("requester");
		try {
			for (int round = 0; round < 20; round++) {
				int count = 50_000;
				Flux<Beat<Integer>> beats = Heartbeat.interval(Flux.range(0, count).publishOn(producer, 16),
								Duration.ofNanos(50_000), Schedulers.parallel())
						.transform(Heartbeat.watchdog("stress", Duration.ofMillis(1), Schedulers.parallel()));
				ProtocolSubscriber subscriber = new ProtocolSubscriber(requester);
				beats.subscribe(subscriber);
				assertThat(subscriber.terminated.await(30, TimeUnit.SECONDS)).isTrue();
				assertThat(subscriber.violation.get()).isNull();
				if (subscriber.error.get() == null) {
					assertThat(subscriber.nextValue.get()).isEqualTo(count);
				}
				else {
					// A pause longer than the timeout (a GC, the shared machine) may time it out.
					assertThat(subscriber.error.get()).isInstanceOf(HeartbeatTimeoutException.class);
				}
			}
		}
		finally {
			producer.dispose();
			requester.dispose();
		}
	}

	static final class ProtocolSubscriber implements CoreSubscriber<Beat<Integer>> {

		final Scheduler requester;
		final AtomicInteger nextValue = new AtomicInteger();
		final AtomicInteger inFlight = new AtomicInteger();
		final AtomicReference<String> violation = new AtomicReference<>();
		final AtomicReference<Throwable> error = new AtomicReference<>();
		final CountDownLatch terminated = new CountDownLatch(1);
		volatile boolean done;
		Subscription s;

		ProtocolSubscriber(Scheduler requester) {
			this.requester = requester;
		}

		@Override
		public void onSubscribe(Subscription s) {
			this.s = s;
			requester.schedule(() -> s.request(8));
		}

		@Override
		public void onNext(Beat<Integer> beat) {
			if (inFlight.getAndIncrement() != 0) {
				violation.compareAndSet(null, "concurrent onNext");
			}
			if (done) {
				violation.compareAndSet(null, "onNext after a terminal signal");
			}
			if (beat instanceof Beat.Value<Integer> value && value.value() != nextValue.getAndIncrement()) {
				violation.compareAndSet(null, "value " + value.value() + " out of order");
			}
			inFlight.decrementAndGet();
			// Ask for more from another thread, so requests race with emissions.
			requester.schedule(() -> s.request(1));
		}

		@Override
		public void onError(Throwable t) {
			terminate();
			error.set(t);
			terminated.countDown();
		}

		@Override
		public void onComplete() {
			terminate();
			terminated.countDown();
		}

		private void terminate() {
			if (done) {
				violation.compareAndSet(null, "second terminal signal");
			}
			done = true;
		}
	}
}
