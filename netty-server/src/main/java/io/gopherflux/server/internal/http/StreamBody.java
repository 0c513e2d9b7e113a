package io.gopherflux.server.internal.http;

import java.util.Objects;

import io.netty.buffer.ByteBuf;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * The body of a streaming response, decided by its first batch. It subscribes to the batches at
 * once and asks for one: when the stream has ended by the time that request returns (a short,
 * fast stream), the body is a {@link Mono} of that batch, which Reactor Netty writes as one full
 * response with a {@code Content-Length} and a single flush; otherwise it is a {@link Flux} that
 * carries on with the same subscription, written as a chunked stream. Either way nothing runs
 * twice and the source is subscribed once.
 * <p>
 * State, guarded by the instance's monitor until a subscriber takes over: the held first batch
 * and whether the source has terminated. The taker subscribes once; the first batch (held or
 * still to come) counts against its first request, the rest of which goes upstream. Until then,
 * {@link #dispose()} cancels the source and releases the held batch, so a response that is never
 * written leaks nothing.
 */
public final class StreamBody implements CoreSubscriber<ByteBuf>, Disposable {

	private final Context context;
	private Subscription upstream;

	private ByteBuf first;
	private boolean done;
	private Throwable error;
	private boolean taken;
	private boolean disposed;
	private volatile CoreSubscriber<? super ByteBuf> actual;

	private StreamBody(Context context) {
		this.context = context;
	}

	/**
	 * Subscribes to {@code batches} and takes the first batch synchronously if the source has it.
	 *
	 * @param context the context the source sees
	 */
	public static StreamBody of(Publisher<ByteBuf> batches, Context context) {
		Objects.requireNonNull(batches, "batches");
		StreamBody body = new StreamBody(Objects.requireNonNull(context, "context"));
		batches.subscribe(body);
		body.upstream.request(1);
		return body;
	}

	/** Whether the whole body is known: the source completed within the first batch. */
	public synchronized boolean complete() {
		return done && error == null;
	}

	/** The length in bytes of the whole body when {@linkplain #complete() complete}, else -1. */
	public synchronized long length() {
		if (!done || error != null || taken || disposed) {
			return -1;
		}
		return first == null ? 0 : first.readableBytes();
	}

	/**
	 * What to send: a {@link Mono} of the whole body when {@linkplain #complete() complete}, else a
	 * single-subscriber {@link Flux} of the batches.
	 */
	public Publisher<ByteBuf> publisher() {
		synchronized (this) {
			if (done && error == null) {
				return Mono.defer(this::whole);
			}
		}
		return new Rest();
	}

	/** The whole body, handed over once; nothing once disposed (the batch was released). */
	private Mono<ByteBuf> whole() {
		ByteBuf whole;
		synchronized (this) {
			if (taken || disposed) {
				return Mono.error(new IllegalStateException("a stream body can be subscribed once"));
			}
			taken = true;
			whole = first;
			first = null;
		}
		return Mono.justOrEmpty(whole);
	}

	@Override
	public Context currentContext() {
		return context;
	}

	@Override
	public void onSubscribe(Subscription s) {
		if (Operators.validate(upstream, s)) {
			upstream = s;
		}
	}

	@Override
	public void onNext(ByteBuf batch) {
		CoreSubscriber<? super ByteBuf> a = actual;
		if (a == null) {
			synchronized (this) {
				a = actual;
				if (a == null) {
					if (disposed) {
						batch.release();
					}
					else {
						first = batch;
					}
					return;
				}
			}
		}
		a.onNext(batch);
	}

	@Override
	public void onError(Throwable t) {
		CoreSubscriber<? super ByteBuf> a = actual;
		if (a == null) {
			synchronized (this) {
				a = actual;
				if (a == null) {
					error = t;
					done = true;
					return;
				}
			}
		}
		a.onError(t);
	}

	@Override
	public void onComplete() {
		CoreSubscriber<? super ByteBuf> a = actual;
		if (a == null) {
			synchronized (this) {
				a = actual;
				if (a == null) {
					done = true;
					return;
				}
			}
		}
		a.onComplete();
	}

	/** Cancels the source and releases the first batch unless a subscriber has taken the body. */
	@Override
	public void dispose() {
		ByteBuf held;
		synchronized (this) {
			if (taken || disposed) {
				return;
			}
			disposed = true;
			held = first;
			first = null;
		}
		upstream.cancel();
		if (held != null) {
			held.release();
		}
	}

	@Override
	public synchronized boolean isDisposed() {
		return disposed;
	}

	/**
	 * The body as a stream: the held first batch (if it had arrived), then the rest of the same
	 * subscription. The subscriber is connected to the source only on its first request, after
	 * {@code onSubscribe}: until then whatever the source signals is held. The first batch counts
	 * against that first request, as it was asked for by the probing request of one.
	 */
	final class Rest extends Flux<ByteBuf> implements Subscription {

		private CoreSubscriber<? super ByteBuf> subscriber;
		private boolean requestedOnce;
		private boolean finished;
		private boolean emitting;
		private long deferred;

		@Override
		public void subscribe(CoreSubscriber<? super ByteBuf> s) {
			synchronized (StreamBody.this) {
				if (taken || disposed) {
					Operators.error(s, new IllegalStateException("a stream body can be subscribed once"));
					return;
				}
				taken = true;
			}
			subscriber = s;
			s.onSubscribe(this);
			boolean terminated;
			Throwable failure;
			synchronized (StreamBody.this) {
				terminated = first == null && done && !disposed;
				failure = error;
			}
			if (terminated && !finished) {
				finished = true;
				terminate(s, failure);
			}
		}

		@Override
		public void request(long n) {
			CoreSubscriber<? super ByteBuf> s = subscriber;
			if (s == null || finished) {
				return;
			}
			if (n <= 0) {
				cancel();
				terminate(s, Exceptions.nullOrNegativeRequestException(n));
				return;
			}
			if (emitting) {
				deferred = Operators.addCap(deferred, n);
				return;
			}
			long demand = n;
			if (!requestedOnce) {
				requestedOnce = true;
				demand = n == Long.MAX_VALUE ? n : n - 1;
				if (!connect(s)) {
					return;
				}
				demand = Operators.addCap(demand, deferred);
				deferred = 0;
			}
			if (demand > 0) {
				upstream.request(demand);
			}
		}

		/**
		 * Hands over what the source signalled so far, then connects the subscriber to it; false when
		 * the stream has ended (or was cancelled) meanwhile.
		 */
		private boolean connect(CoreSubscriber<? super ByteBuf> s) {
			ByteBuf held;
			synchronized (StreamBody.this) {
				held = first;
				first = null;
				if (held == null && !done) {
					actual = s;
					return true;
				}
			}
			if (held != null) {
				emitting = true;
				s.onNext(held);
				emitting = false;
			}
			boolean terminated;
			Throwable failure;
			synchronized (StreamBody.this) {
				if (disposed) {
					return false;
				}
				terminated = done;
				failure = error;
				if (!terminated) {
					actual = s;
				}
			}
			if (terminated) {
				finished = true;
				terminate(s, failure);
				return false;
			}
			return true;
		}

		@Override
		public void cancel() {
			ByteBuf held;
			subscriber = null;
			synchronized (StreamBody.this) {
				// Late batches from the source find no subscriber and are released.
				disposed = true;
				actual = null;
				held = first;
				first = null;
			}
			if (held != null) {
				held.release();
			}
			upstream.cancel();
		}
	}

	private static void terminate(CoreSubscriber<? super ByteBuf> subscriber, Throwable failure) {
		if (failure != null) {
			subscriber.onError(failure);
		}
		else {
			subscriber.onComplete();
		}
	}
}
