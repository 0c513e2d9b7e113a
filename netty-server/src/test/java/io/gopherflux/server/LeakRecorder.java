package io.gopherflux.server;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.netty.buffer.AbstractByteBuf;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

/**
 * A Netty leak detector that records every leak it reports, so that tests can fail on one instead
 * of a line in the log. Netty builds it for every resource type (buffers among them) when named by
 * {@code -Dio.netty.customResourceLeakDetector=io.gopherflux.server.LeakRecorder}, or when
 * {@link #install()} runs before the first buffer class is initialized; {@link LeakCheck} does that
 * at the start of every JUnit run of this module.
 *
 * @param <T> the type of the tracked resources
 */
public final class LeakRecorder<T> extends ResourceLeakDetector<T> {

	/** Hints that mark a deliberate leak, which tests use to prove that detection works. */
	public static final String CONTROL_HINT = "deliberate-leak-control:";

	private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
	private static boolean installed;

	/** The constructor Netty's default factory calls for a custom detector class. */
	public LeakRecorder(Class<?> resourceType, int samplingInterval) {
		super(resourceType, samplingInterval);
	}

	/** The older constructor Netty's default factory also looks for. */
	public LeakRecorder(Class<?> resourceType, int samplingInterval, long maxActive) {
		this(resourceType, samplingInterval);
	}

	/** Reports always, whatever the logger's level, so that no leak goes unrecorded. */
	@Override
	protected boolean needReport() {
		return true;
	}

	@Override
	protected void reportTracedLeak(String resourceType, String records) {
		LEAKS.add(resourceType + " leaked; recent access records:" + records);
		super.reportTracedLeak(resourceType, records);
	}

	@Override
	protected void reportUntracedLeak(String resourceType) {
		LEAKS.add(resourceType + " leaked; no access records (enable paranoid leak detection)");
		super.reportUntracedLeak(resourceType);
	}

	/**
	 * Makes Netty build recorders for every detector it creates from now on, and makes sure
	 * buffers are watched: if the buffer classes were initialized before (their detector is then
	 * Netty's own), leaks of that detector are recorded through its listener instead.
	 */
	public static synchronized void install() {
		if (installed) {
			return;
		}
		installed = true;
		ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
			@Override
			public <R> ResourceLeakDetector<R> newResourceLeakDetector(Class<R> resource, int samplingInterval,
					long maxActive) {
				return new LeakRecorder<>(resource, samplingInterval);
			}
		});
		ResourceLeakDetector<?> buffers = bufferDetector();
		if (!(buffers instanceof LeakRecorder)) {
			buffers.setLeakListener((resourceType, records) -> LEAKS.add(resourceType + " leaked; recent access records:"
					+ (records.isEmpty() ? " none" : records)));
		}
	}

	/** Whether buffers are watched by a recorder itself (rather than through a listener). */
	public static boolean recordsBuffers() {
		return bufferDetector() instanceof LeakRecorder;
	}

	/** The leak detector of every {@code ByteBuf}: a static field that Netty does not expose. */
	private static ResourceLeakDetector<?> bufferDetector() {
		try {
			Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
			field.setAccessible(true);
			return (ResourceLeakDetector<?>) field.get(null);
		}
		catch (ReflectiveOperationException e) {
			throw new IllegalStateException("cannot reach Netty's buffer leak detector", e);
		}
	}

	/** Every leak recorded so far, deliberate ones included. */
	public static List<String> leaks() {
		return List.copyOf(LEAKS);
	}

	/** The leaks recorded so far that no test caused on purpose. */
	public static List<String> unexpectedLeaks() {
		return LEAKS.stream().filter(leak -> !leak.contains(CONTROL_HINT)).toList();
	}

	/** Forgets the leaks recorded so far, returning those no test caused on purpose. */
	public static List<String> takeUnexpectedLeaks() {
		List<String> unexpected = unexpectedLeaks();
		LEAKS.removeIf(unexpected::contains);
		return unexpected;
	}
}
