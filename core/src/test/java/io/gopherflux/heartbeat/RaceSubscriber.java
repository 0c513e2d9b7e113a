package io.gopherflux.heartbeat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * A subscriber for race tests: records what it receives and the first breach of the Reactive
 * Streams protocol it sees (overlapping signals, a signal after a terminal one, a second
 * terminal signal).
 *
 * @param <T> the type of the values
 */
final class RaceSubscriber<T> implements CoreSubscriber<T> {

	final List<T> values = new CopyOnWriteArrayList<>();
	final AtomicReference<String> violation = new AtomicReference<>();
	final AtomicInteger inFlight = new AtomicInteger();
	volatile Throwable error;
	volatile boolean completed;
	volatile Subscription subscription;

	@Override
	public void onSubscribe(Subscription s) {
		subscription = s;
	}

	@Override
	public void onNext(T t) {
		enter("onNext");
		values.add(t);
		inFlight.decrementAndGet();
	}

	@Override
	public void onError(Throwable t) {
		enter("onError");
		error = t;
		inFlight.decrementAndGet();
	}

	@Override
	public void onComplete() {
		enter("onComplete");
		completed = true;
		inFlight.decrementAndGet();
	}

	boolean terminated() {
		return error != null || completed;
	}

	private void enter(String signal) {
		if (inFlight.getAndIncrement() != 0) {
			violation.compareAndSet(null, signal + " overlapping another signal");
		}
		if (terminated()) {
			violation.compareAndSet(null, signal + " after a terminal signal");
		}
	}
}
