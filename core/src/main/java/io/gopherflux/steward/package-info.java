/**
 * Healing unhealthy goroutines (chapter 5): a steward that watches the heartbeat of the work it
 * supervises and starts it afresh when it goes quiet, fails or ends.
 * <p>
 * A {@link Ward} is the supervised work: given a pulse interval, it returns its
 * {@link io.gopherflux.heartbeat.Beat}s (the book's {@code startGoroutineFn}).
 * {@link Steward#of Steward.of} puts a ward under watch, and {@link Steward#start start}
 * subscribes it: one stream of the steward's own pulses and of every value its successive wards
 * emit, joined across restarts by {@link io.gopherflux.channel.Bridge}. A steward is itself a
 * ward, so stewards can be nested.
 * <p>
 * Configuration is immutable and validated when built: {@link StewardConfig} (name, timeout,
 * scheduler, metrics) and {@link RestartPolicy} (backoff between restarts, jitter, whether a ward
 * that completes is restarted, and how many restarts a window allows before the steward gives up
 * with a {@link StewardGaveUpException}). Each restart has a {@link RestartReason}. What the
 * steward does is reported to the {@link StewardMetrics} port, a no-op unless
 * {@link MicrometerStewardMetrics} binds it to Micrometer (an optional dependency).
 */
package io.gopherflux.steward;
