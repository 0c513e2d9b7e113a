package io.gopherflux.server;

import java.util.List;
import java.util.Objects;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM and process meters Micrometer already provides (memory, GC, threads, classes, JIT,
 * CPU, uptime, open file descriptors), bound to the server's registry for as long as it runs:
 * what an operator looks at first when the server misbehaves under load.
 */
final class ProcessMeters implements AutoCloseable {

	private final JvmGcMetrics gc = new JvmGcMetrics();
	private final JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();

	private ProcessMeters() {
	}

	/** Binds every meter to {@code registry}; {@link #close()} stops those that listen to the JVM. */
	static ProcessMeters bindTo(MeterRegistry registry) {
		Objects.requireNonNull(registry, "registry");
		ProcessMeters meters = new ProcessMeters();
		List<MeterBinder> binders = List.of(new JvmMemoryMetrics(), meters.gc, meters.heapPressure, new JvmThreadMetrics(),
				new ClassLoaderMetrics(), new JvmCompilationMetrics(), new JvmInfoMetrics(), new ProcessorMetrics(),
				new UptimeMetrics(), new FileDescriptorMetrics());
		binders.forEach(binder -> binder.bindTo(registry));
		return meters;
	}

	@Override
	public void close() {
		gc.close();
		heapPressure.close();
	}
}
