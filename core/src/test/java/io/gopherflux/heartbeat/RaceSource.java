package io.gopherflux.heartbeat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/**
 * A source for race tests: one subscriber, which the test signals directly from any thread, and
 * a subscription that counts what it is asked for and how often it is cancelled.
 *
 * @param <T> the type of the values
 */
final class RaceSource<T> extends Flux<T> {

	final AtomicLong requested = new AtomicLong();
	final AtomicInteger cancels = new AtomicInteger();
	volatile CoreSubscriber<? super T> subscriber;

	@Override
	public void subscribe(CoreSubscriber<? super T> actual) {
		subscriber = actual;
		actual.onSubscribe(new Subscription() {
			@Override
			public void request(long n) {
				requested.addAndGet(n);
			}

			@Override
			public void cancel() {
				cancels.incrementAndGet();
			}
		});
	}

	void emit(T value) {
		subscriber.onNext(value);
	}

	void fail(Throwable error) {
		subscriber.onError(error);
	}
}
