package io.gopherflux.heartbeat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A subscriber that records signals and passes request(n) through untouched, so tests can make
 * the bad requests that Reactor's test subscribers filter out.
 */
final class RawSubscriber<T> implements Subscriber<T> {

	volatile Subscription subscription;
	final List<T> values = new CopyOnWriteArrayList<>();
	volatile Throwable error;
	volatile boolean completed;

	@Override
	public void onSubscribe(Subscription s) {
		subscription = s;
	}

	@Override
	public void onNext(T t) {
		values.add(t);
	}

	@Override
	public void onError(Throwable t) {
		error = t;
	}

	@Override
	public void onComplete() {
		completed = true;
	}
}
