package io.gopherflux.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * A subscriber that records signals and passes request(n) through untouched, so tests can make
 * the bad requests that Reactor's test subscribers filter out. It is a {@link CoreSubscriber} so
 * that {@code Flux.subscribe} hands it to the operator as it is: a plain {@code Subscriber} would be
 * wrapped in Reactor's strict subscriber, which answers a bad request and a late cancel itself.
 */
public final class RawSubscriber<T> implements CoreSubscriber<T> {

	public volatile Subscription subscription;
	public final List<T> values = new CopyOnWriteArrayList<>();
	public volatile Throwable error;
	public volatile boolean completed;

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
