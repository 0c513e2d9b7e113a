package io.gopherflux.pipeline;

/**
 * What a {@link QueueStage} does when an element arrives and its queue is full. Every policy
 * keeps the queue bounded; they differ in who pays for the overload.
 */
public enum OverflowPolicy {

	/**
	 * The producer pays: the stage requests no more than its free room, so a full queue slows
	 * the producer down, as a send on a full buffered Go channel blocks. A slot freed by the
	 * consumer is requested again at once. Built on Reactor's {@code limitRate(capacity, 1)}.
	 * Only for producers that honour backpressure; one that cannot wait (a timer, a socket
	 * without flow control) fails with Reactor's overflow error instead.
	 */
	BACKPRESSURE,

	/**
	 * The newest element pays: an element arriving at a full queue is dropped (and handed to
	 * the discard hook). Built on Reactor's {@code onBackpressureBuffer} with
	 * {@code BufferOverflowStrategy.DROP_LATEST}.
	 */
	DROP_NEWEST,

	/**
	 * The oldest element pays: the head of a full queue is dropped (and handed to the discard
	 * hook) to make room for the arriving one, keeping the freshest work. Built on Reactor's
	 * {@code onBackpressureBuffer} with {@code BufferOverflowStrategy.DROP_OLDEST}.
	 */
	DROP_OLDEST,

	/**
	 * The whole stage pays: an element arriving at a full queue cancels the producer; the
	 * elements already queued are delivered and then the stage fails with a
	 * {@link QueueOverflowException}. Built on Reactor's {@code onBackpressureBuffer} with
	 * {@code BufferOverflowStrategy.ERROR}.
	 */
	FAIL
}
