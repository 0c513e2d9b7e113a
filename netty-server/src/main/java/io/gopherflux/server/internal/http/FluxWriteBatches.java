package io.gopherflux.server.internal.http;

import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.util.annotation.Nullable;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * Encodes elements into write batches: each emitted {@link ByteBuf} holds every element that was
 * ready at the time, so that a fast source costs one network write per batch rather than one
 * chunk and flush per element, as Go's {@code net/http} buffers its writes.
 * <p>
 * Upstream is asked for {@code batchElements} elements at a time, and only while downstream wants
 * a buffer. Elements delivered synchronously inside that {@code request} go into one buffer,
 * emitted when the call returns; elements arriving later from another thread are queued and
 * encoded together the next time the drain loop runs, so a slow reader gets them in fewer, larger
 * buffers. At most {@code batchElements} elements are ever requested and not yet emitted, so
 * nothing buffers without bound.
 * <p>
 * State machine, in a work-in-progress drain loop: if a batch is pending, emit it when there is
 * demand; else encode whatever is queued into a new pending batch; else terminate if upstream is
 * done; else, when every requested element has arrived and downstream wants more, request the next
 * {@code batchElements} while marking the current thread as the collecting one, so that onNext on
 * that thread encodes straight into the batch. An upstream error is emitted at once and the
 * pending batch released; cancellation releases every buffer not yet handed downstream. With a
 * continuation executor, a turn of the loop collects at most {@value #BATCHES_PER_TURN} batches,
 * then passes the loop (and the ownership of its work counter) to a task of that executor.
 * <p>
 * With a {@link Cut}, the stream can be ended early from any thread: at the cut, upstream is
 * cancelled, the elements it already delivered are encoded, then the cut's last element, and the
 * stream completes once that batch is emitted. A stream that has completed by then is left as it
 * is; one subscribed after the cut sends only the last element. Done in the drain loop rather than
 * by {@code takeUntilOther} and {@code concatWith}, whose serialisation cost every element.
 * <p>
 * With an error element, an upstream error is written as one last element after those delivered
 * before it, and the stream completes: {@code onErrorResume} with one element, without an
 * operator (and its atomic operation) on every element.
 *
 * @param <T> the element type
 */
public final class FluxWriteBatches<T> extends FluxOperator<T, ByteBuf> {

	/**
	 * Writes one element's bytes.
	 *
	 * @param <T> the element type
	 */
	@FunctionalInterface
	public interface Encoder<T> {

		/** Appends the encoding of {@code value} to {@code out}. */
		void encode(T value, ByteBuf out);

		/**
		 * Called on the encoding thread after a run of {@link #encode} calls into {@code out},
		 * before {@code out} is emitted or released: an encoder that keeps bytes back writes them
		 * here. The default keeps nothing back.
		 */
		default void finish(ByteBuf out) {
		}
	}

	/**
	 * Ends every stream of the batchers that share it with a last element (a server's shutdown
	 * event): the streams register while they run, so {@link #cut()} reaches each.
	 *
	 * @param <T> the element type
	 */
	public static final class Cut<T> {

		final T last;
		final Set<WriteBatchesSubscriber<T>> open = ConcurrentHashMap.newKeySet();
		volatile boolean cut;

		/** @param last the element each stream ends with when cut */
		public Cut(T last) {
			this.last = Objects.requireNonNull(last, "last");
		}

		/** Ends every stream open now, and every one subscribed from now on, with the last element. */
		public void cut() {
			cut = true;
			for (WriteBatchesSubscriber<T> subscriber : open) {
				subscriber.cut();
			}
		}

		/** The streams open now. */
		int open() {
			return open.size();
		}
	}

	/** Batches collected synchronously in one turn before the drain hands the thread back. */
	static final int BATCHES_PER_TURN = 16;

	final Encoder<? super T> encoder;
	final ByteBufAllocator allocator;
	final int batchElements;
	final Executor continuation;
	final Cut<T> cut;
	final Function<? super Throwable, ? extends T> errorElement;

	/**
	 * @param source        the elements
	 * @param encoder       writes an element's bytes
	 * @param allocator     where the batches are allocated
	 * @param batchElements the most elements requested from upstream at once, at least 1
	 * @throws IllegalArgumentException if {@code batchElements} is less than 1
	 */
	public FluxWriteBatches(Flux<? extends T> source, Encoder<? super T> encoder, ByteBufAllocator allocator,
			int batchElements) {
		this(source, encoder, allocator, batchElements, null, null, null);
	}

	/**
	 * Like {@link #FluxWriteBatches(Flux, Encoder, ByteBufAllocator, int)}, but a fast synchronous
	 * source does not keep the thread: after {@value #BATCHES_PER_TURN} batches collected in one
	 * turn, the rest of the work is handed to {@code continuation} (a connection's event loop, so
	 * that the other connections on it get their turn and a client's disconnect is seen).
	 *
	 * @param continuation where the drain continues after a full turn, or null to never yield
	 * @param cut          what can end the stream early, or null for nothing
	 * @param errorElement what an upstream error is written as before the stream completes, or
	 *                     null to fail the stream with it
	 */
	public FluxWriteBatches(Flux<? extends T> source, Encoder<? super T> encoder, ByteBufAllocator allocator,
			int batchElements, Executor continuation, Cut<T> cut, Function<? super Throwable, ? extends T> errorElement) {
		super(source);
		this.continuation = continuation;
		this.cut = cut;
		this.errorElement = errorElement;
		this.encoder = Objects.requireNonNull(encoder, "encoder");
		this.allocator = Objects.requireNonNull(allocator, "allocator");
		if (batchElements < 1) {
			throw new IllegalArgumentException("batchElements must be at least 1, was " + batchElements);
		}
		this.batchElements = batchElements;
	}

	@Override
	@SuppressWarnings("unchecked")
	public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
		source.subscribe(new WriteBatchesSubscriber<>(actual, (Encoder<T>) encoder, allocator, batchElements,
				continuation, cut, errorElement));
	}

	@Override
	@SuppressWarnings("rawtypes")
	public Object scanUnsafe(Attr key) {
		if (key == Attr.PREFETCH) {
			return batchElements;
		}
		if (key == Attr.RUN_STYLE) {
			return Attr.RunStyle.SYNC;
		}
		return super.scanUnsafe(key);
	}

	static final class WriteBatchesSubscriber<T> implements CoreSubscriber<T>, Subscription, Scannable {

		/** The first batch's capacity: ten of the built-in integers' events fit without growing it. */
		static final int MIN_CAPACITY = 1024;
		static final int MAX_CAPACITY = 64 * 1024;

		final CoreSubscriber<? super ByteBuf> actual;
		final Encoder<T> encoder;
		final ByteBufAllocator allocator;
		final int batchElements;
		final Executor continuation;
		final Cut<T> cuts;
		final Function<? super Throwable, ? extends T> errorElement;

		/** Elements that arrived outside a request call; made on the first such element (short synchronous streams never need one). */
		volatile Queue<T> queue;

		Subscription s;

		/** The thread inside {@code s.request}: its onNext encodes into {@link #collected}. */
		Thread collecting;
		/** The batch filled by synchronous deliveries; owned by the collecting thread. */
		ByteBuf collected;
		int collectedCount;

		/** Drain loop only: the batch waiting for demand. */
		ByteBuf pending;
		/** Drain loop only: elements requested and not yet encoded. */
		long outstanding;
		/** Drain loop only: batches emitted. */
		long emitted;
		/** Drain loop only: the size of the last batch, to size the next one. */
		int lastBatchBytes = MIN_CAPACITY;

		volatile boolean done;
		Throwable error;
		volatile boolean cancelled;
		/** Set by {@link Cut#cut()}: end with the cut's last element. */
		volatile boolean cut;
		/** Drain loop only: the last element (the cut's or the error's) is encoded; upstream is done with. */
		boolean cutDone;
		/** The element an upstream error is written as, until the drain loop takes it; published by {@link #done}. */
		T errorEnd;

		volatile long requested;
		@SuppressWarnings("rawtypes")
		static final AtomicLongFieldUpdater<WriteBatchesSubscriber> REQUESTED =
				AtomicLongFieldUpdater.newUpdater(WriteBatchesSubscriber.class, "requested");

		volatile int wip;
		@SuppressWarnings("rawtypes")
		static final AtomicIntegerFieldUpdater<WriteBatchesSubscriber> WIP =
				AtomicIntegerFieldUpdater.newUpdater(WriteBatchesSubscriber.class, "wip");

		WriteBatchesSubscriber(CoreSubscriber<? super ByteBuf> actual, Encoder<T> encoder,
				ByteBufAllocator allocator, int batchElements, Executor continuation, Cut<T> cuts,
				Function<? super Throwable, ? extends T> errorElement) {
			this.continuation = continuation;
			this.cuts = cuts;
			this.errorElement = errorElement;
			this.actual = actual;
			this.encoder = encoder;
			this.allocator = allocator;
			this.batchElements = batchElements;
		}

		@Override
		public Context currentContext() {
			return actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription s) {
			if (Operators.validate(this.s, s)) {
				this.s = s;
				if (cuts != null) {
					// Registered before reading the flag: a cut either sees this stream or is seen by it.
					cuts.open.add(this);
					if (cuts.cut) {
						cut = true;
					}
				}
				actual.onSubscribe(this);
			}
		}

		@Override
		public void onNext(T t) {
			if (done) {
				Operators.onNextDropped(t, actual.currentContext());
				return;
			}
			Queue<T> q = queue;
			// An element queued earlier from another thread must be written first, so this one queues behind it.
			if (collecting == Thread.currentThread() && (q == null || q.isEmpty())) {
				ByteBuf batch = collected;
				if (batch == null) {
					collected = batch = allocator.ioBuffer(lastBatchBytes);
				}
				try {
					encoder.encode(t, batch);
				}
				catch (Throwable e) {
					onError(Operators.onOperatorError(s, e, t, actual.currentContext()));
					return;
				}
				collectedCount++;
				return;
			}
			if (q == null) {
				queue = q = Queues.<T>get(batchElements).get();
			}
			if (!q.offer(t)) {
				onError(Operators.onOperatorError(s,
						Exceptions.failWithOverflow("more elements than requested"), t, actual.currentContext()));
				return;
			}
			drain();
		}

		@Override
		public void onError(Throwable t) {
			if (done) {
				Operators.onErrorDropped(t, actual.currentContext());
				return;
			}
			if (errorElement != null) {
				try {
					errorEnd = Objects.requireNonNull(errorElement.apply(t), "the error element");
				}
				catch (Throwable e) {
					e.addSuppressed(t);
					error = e;
				}
			}
			else {
				error = t;
			}
			done = true;
			drain();
		}

		@Override
		public void onComplete() {
			if (done) {
				return;
			}
			done = true;
			drain();
		}

		@Override
		public void request(long n) {
			if (Operators.validate(n)) {
				Operators.addCap(REQUESTED, this, n);
				drain();
			}
		}

		@Override
		public void cancel() {
			if (cancelled) {
				return;
			}
			cancelled = true;
			s.cancel();
			unregister();
			if (WIP.getAndIncrement(this) == 0) {
				discard();
			}
		}

		void cut() {
			cut = true;
			drain();
		}

		void drain() {
			if (WIP.getAndIncrement(this) != 0) {
				return;
			}
			drainLoop();
		}

		/** The drain loop, run by the owner of the work counter. */
		void drainLoop() {
			int missed = 1;
			int collectedThisTurn = 0;
			for (;;) {
				for (;;) {
					if (cancelled) {
						discard();
						unregister();
						return;
					}
					boolean d = done || cutDone;
					if (d && !cutDone && errorEnd != null) {
						T end = errorEnd;
						errorEnd = null;
						endWith(end, false);
						continue;
					}
					if (d && !cutDone && error != null) {
						discard();
						unregister();
						actual.onError(error);
						return;
					}
					if (!d && cut) {
						endWith(cuts.last, true);
						continue;
					}
					ByteBuf batch = pending;
					if (batch != null) {
						if (emitted == requested) {
							break;
						}
						pending = null;
						emitted++;
						actual.onNext(batch);
						continue;
					}
					Queue<T> q = cutDone ? null : queue;
					T t = q == null ? null : q.poll();
					if (t != null) {
						encodeQueued(q, t);
						continue;
					}
					if (d) {
						// After a cut, whatever upstream sent before it saw the cancel is not written.
						discard();
						unregister();
						actual.onComplete();
						return;
					}
					if (outstanding == 0 && emitted != requested) {
						if (++collectedThisTurn > BATCHES_PER_TURN && yieldTurn()) {
							return;
						}
						collectNext();
						continue;
					}
					break;
				}
				missed = WIP.addAndGet(this, -missed);
				if (missed == 0) {
					return;
				}
			}
		}

		/**
		 * Ends this turn of the drain loop and hands the rest, with the ownership of the work
		 * counter, to a task of {@link #continuation}; false (carry on here) without one or when it
		 * refuses the task.
		 */
		boolean yieldTurn() {
			Executor executor = continuation;
			if (executor == null) {
				return false;
			}
			try {
				executor.execute(this::drainLoop);
				return true;
			}
			catch (RejectedExecutionException e) {
				return false;
			}
		}

		/** Encodes {@code first} and everything queued behind it into the pending batch, or records the encoder's error. */
		void encodeQueued(Queue<T> queue, T first) {
			ByteBuf batch = allocator.ioBuffer(lastBatchBytes);
			T t = first;
			try {
				do {
					outstanding--;
					encoder.encode(t, batch);
				}
				while ((t = queue.poll()) != null);
				encoder.finish(batch);
			}
			catch (Throwable e) {
				release(batch, e);
				encodingFailed(Operators.onOperatorError(s, e, t, actual.currentContext()));
				return;
			}
			pending = batch;
			lastBatchBytes = nextCapacity(batch);
		}

		/**
		 * The cut (which cancels upstream) or an upstream error written as an element: encodes what
		 * upstream delivered before, then {@code last}, after whatever batch is pending, and the
		 * stream ends once that is emitted.
		 */
		void endWith(T last, boolean cancelUpstream) {
			cutDone = true;
			if (cancelUpstream) {
				s.cancel();
			}
			ByteBuf batch = pending != null ? pending : allocator.ioBuffer(lastBatchBytes);
			pending = null;
			try {
				Queue<T> q = queue;
				T t;
				while (q != null && (t = q.poll()) != null) {
					encoder.encode(t, batch);
				}
				encoder.encode(last, batch);
				encoder.finish(batch);
			}
			catch (Throwable e) {
				release(batch, e);
				cutDone = false;
				encodingFailed(Operators.onOperatorError(e, actual.currentContext()));
				return;
			}
			pending = batch;
		}

		void unregister() {
			if (cuts != null) {
				cuts.open.remove(this);
			}
		}

		/** Requests the next elements; those delivered during the call come back as one batch. */
		void collectNext() {
			outstanding = batchElements;
			collectedCount = 0;
			collecting = Thread.currentThread();
			try {
				s.request(batchElements);
			}
			finally {
				collecting = null;
			}
			outstanding -= collectedCount;
			ByteBuf batch = collected;
			if (batch != null) {
				collected = null;
				try {
					encoder.finish(batch);
				}
				catch (Throwable e) {
					release(batch, e);
					encodingFailed(Operators.onOperatorError(s, e, actual.currentContext()));
					return;
				}
				pending = batch;
				lastBatchBytes = nextCapacity(batch);
			}
		}

		/** Ends the stream with an encoding failure; upstream may have completed already, and the failure still ends it as an error. */
		void encodingFailed(Throwable failure) {
			if (error == null) {
				error = failure;
			}
			else {
				Operators.onErrorDropped(failure, actual.currentContext());
			}
			done = true;
		}

		/** Releases a batch whose encoding failed, after the encoder wrote out what it kept back for it. */
		void release(ByteBuf batch, Throwable failure) {
			try {
				encoder.finish(batch);
			}
			catch (Throwable e) {
				failure.addSuppressed(e);
			}
			batch.release();
		}

		static int nextCapacity(ByteBuf batch) {
			return Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, batch.readableBytes() + batch.readableBytes() / 8));
		}

		void discard() {
			ByteBuf batch = pending;
			if (batch != null) {
				pending = null;
				batch.release();
			}
			Queue<T> q = queue;
			if (q != null) {
				Operators.onDiscardQueueWithClear(q, actual.currentContext(), null);
			}
		}

		@Override
		@Nullable
		@SuppressWarnings("rawtypes")
		public Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return s;
			}
			if (key == Attr.ACTUAL) {
				return actual;
			}
			if (key == Attr.CANCELLED) {
				return cancelled;
			}
			if (key == Attr.TERMINATED) {
				return done;
			}
			if (key == Attr.ERROR) {
				return error;
			}
			if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
				return requested;
			}
			if (key == Attr.BUFFERED) {
				Queue<T> q = queue;
				return (q == null ? 0 : q.size()) + (pending != null ? 1 : 0);
			}
			if (key == Attr.PREFETCH) {
				return batchElements;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}
	}
}
