package io.gopherflux.testing;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;

import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.Test;

/**
 * The TCK's {@link PublisherVerification} for a shared two-core machine: every rule runs as the
 * TCK has it, with two changes that make a busy machine slower but never wrong.
 * <ul>
 * <li>A wait for a signal that must come is bounded by {@value #SIGNAL_TIMEOUT_MILLIS} ms and ends
 * as soon as the signal comes ({@link #environment(long, long)}).</li>
 * <li>Rule 3.13 (a cancelled publisher drops its subscriber): the TCK collects once, after 300 ms,
 * and gives the reference-handler thread 100 ms to queue the subscriber's weak reference, which a
 * starved thread misses. Here the rule holds once a collection has cleared the reference, and fails only
 * after {@value #GC_DEADLINE_SECONDS} s of collections.</li>
 * </ul>
 *
 * @param <T> the type of the elements
 */
public abstract class PublisherTck<T> extends PublisherVerification<T> {

	/** How long the TCK may wait for a signal it expects. */
	public static final long SIGNAL_TIMEOUT_MILLIS = 10_000;

	/** How long rule 3.13 may wait for the cancelled subscriber to be collected. */
	public static final long GC_DEADLINE_SECONDS = 30;

	private final TestEnvironment env;

	protected PublisherTck(TestEnvironment env) {
		super(env);
		this.env = env;
	}

	/**
	 * A TCK environment whose waits for expected signals end when the signal comes or after
	 * {@value #SIGNAL_TIMEOUT_MILLIS} ms. The TCK waits out the two other windows in full, so they
	 * stay short.
	 *
	 * @param noSignalsMillis how long the TCK watches for a signal that must not come
	 * @param errorPollMillis how long the TCK (1.0.4) sleeps before it looks, once, for an expected error
	 * @return the environment
	 */
	public static TestEnvironment environment(long noSignalsMillis, long errorPollMillis) {
		return new TestEnvironment(SIGNAL_TIMEOUT_MILLIS, noSignalsMillis, errorPollMillis);
	}

	@Override
	@Test
	public void required_spec313_cancelMustMakeThePublisherEventuallyDropAllReferencesToTheSubscriber() throws Throwable {
		activePublisherTest(3, false, pub -> {
			ReferenceQueue<Object> queue = new ReferenceQueue<>();
			WeakReference<Object> subscriber = takeOneAndCancel(pub, queue);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GC_DEADLINE_SECONDS);
			for (;;) {
				System.gc();
				// Cleared or queued, the collector found no strong reference left to the subscriber.
				if (subscriber.get() == null || queue.remove(100) == subscriber) {
					break;
				}
				if (System.nanoTime() - deadline > 0) {
					env.flopAndFail(String.format("Publisher %s did not drop reference to test subscriber after subscription cancellation", pub));
				}
			}
			env.verifyNoAsyncErrorsNoDelay();
		});
	}

	// A method of its own, as in the TCK, so that no frame still running holds the subscriber.
	private WeakReference<Object> takeOneAndCancel(Publisher<T> pub, ReferenceQueue<Object> queue) throws InterruptedException {
		TestEnvironment.ManualSubscriber<T> subscriber = env.newManualSubscriber(pub);
		WeakReference<Object> reference = new WeakReference<>(subscriber, queue);
		subscriber.request(1);
		subscriber.nextElement();
		subscriber.cancel();
		return reference;
	}
}
