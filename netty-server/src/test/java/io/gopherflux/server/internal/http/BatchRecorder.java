package io.gopherflux.server.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * A downstream that requests by hand, keeps the text of each batch and releases the batch at once.
 * It also notes protocol breaches (overlapping or post-terminal signals) for the stress tests.
 */
class BatchRecorder implements CoreSubscriber<ByteBuf> {

	final List<String> batches = new CopyOnWriteArrayList<>();
	private final long initialRequest;
	private final AtomicInteger inSignal = new AtomicInteger();
	volatile Subscription subscription;
	volatile boolean completed;
	volatile Throwable error;
	volatile boolean violated;

	BatchRecorder(long initialRequest) {
		this.initialRequest = initialRequest;
	}

	@Override
	public void onSubscribe(Subscription s) {
		subscription = s;
		if (initialRequest > 0) {
			s.request(initialRequest);
		}
	}

	@Override
	public void onNext(ByteBuf batch) {
		enter();
		try {
			batches.add(batch.toString(StandardCharsets.US_ASCII));
		}
		finally {
			batch.release();
			exit();
		}
	}

	@Override
	public void onError(Throwable t) {
		enter();
		error = t;
		exit();
	}

	@Override
	public void onComplete() {
		enter();
		completed = true;
		exit();
	}

	private void enter() {
		if (inSignal.getAndIncrement() != 0 || completed || error != null) {
			violated = true;
		}
	}

	private void exit() {
		inSignal.decrementAndGet();
	}

	void request(long n) {
		subscription.request(n);
	}

	void cancel() {
		subscription.cancel();
	}

	/** Every batch's text, in order of arrival. */
	String joined() {
		return String.join("", batches);
	}
}
