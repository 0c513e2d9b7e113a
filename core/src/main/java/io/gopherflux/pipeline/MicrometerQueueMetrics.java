package io.gopherflux.pipeline;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@link QueueMetrics} on a Micrometer {@link MeterRegistry}, every meter tagged
 * {@code stage=<name>}:
 * <ul>
 *     <li>{@code gopherflux.pipeline.queue.size} (gauge): L, the elements in the stage now;</li>
 *     <li>{@code gopherflux.pipeline.queue.arrivals} (counter): its rate is &lambda;;</li>
 *     <li>{@code gopherflux.pipeline.queue.time} (timer, tag {@code outcome=delivered|dropped|discarded}):
 *     W, the time elements spent in the stage; its mean over all outcomes is the W of
 *     L = &lambda;&middot;W, the {@code delivered} mean is the lag the consumer sees.</li>
 * </ul>
 * The only class of this package that imports Micrometer, an optional dependency (each pattern
 * that reports metrics has its own such binding, {@code MicrometerStewardMetrics} for example).
 * Create one instance per stage name and registry and share it among the stage's subscriptions:
 * the gauge is registered once, by the first instance of a name.
 */
public final class MicrometerQueueMetrics implements QueueMetrics {

	private final AtomicLong size = new AtomicLong();
	private final Counter arrivals;
	private final Timer delivered;
	private final Timer dropped;
	private final Timer discarded;

	/**
	 * Registers the stage's meters on {@code registry}.
	 *
	 * @param registry where to register
	 * @param stage    the value of the {@code stage} tag; use the {@link QueueConfig#name()}
	 */
	public MicrometerQueueMetrics(MeterRegistry registry, String stage) {
		Objects.requireNonNull(registry, "registry");
		Objects.requireNonNull(stage, "stage");
		Gauge.builder("gopherflux.pipeline.queue.size", size, AtomicLong::get)
				.description("Elements in the queue stage (L of Little's law)")
				.tag("stage", stage)
				.strongReference(true)
				.register(registry);
		this.arrivals = Counter.builder("gopherflux.pipeline.queue.arrivals")
				.description("Elements that entered the queue stage (its rate is lambda of Little's law)")
				.tag("stage", stage)
				.register(registry);
		this.delivered = timer(registry, stage, "delivered");
		this.dropped = timer(registry, stage, "dropped");
		this.discarded = timer(registry, stage, "discarded");
	}

	private static Timer timer(MeterRegistry registry, String stage, String outcome) {
		return Timer.builder("gopherflux.pipeline.queue.time")
				.description("Time elements spent in the queue stage (W of Little's law)")
				.tag("stage", stage)
				.tag("outcome", outcome)
				.register(registry);
	}

	@Override
	public void arrived() {
		size.incrementAndGet();
		arrivals.increment();
	}

	@Override
	public void left(long nanosInStage, Outcome outcome) {
		size.decrementAndGet();
		Timer timer = switch (outcome) {
			case DELIVERED -> delivered;
			case DROPPED -> dropped;
			case DISCARDED -> discarded;
		};
		timer.record(nanosInStage, TimeUnit.NANOSECONDS);
	}

	/** {@return L: the elements in the stage now, as the gauge reports it} */
	public long size() {
		return size.get();
	}
}
