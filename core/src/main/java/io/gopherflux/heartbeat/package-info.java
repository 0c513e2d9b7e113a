/**
 * Heartbeats (chapter 5): a producer that reports it is alive as well as what it produced, and a
 * consumer that gives up on it when those reports stop.
 * <p>
 * Pulses and results travel in one {@code Flux<}{@link Beat}{@code <T>>}: a {@link Beat.Value}
 * waits for demand like any element, while a {@link Beat.Pulse} that finds no demand is dropped
 * rather than queued. The entry points are the static factories of {@link Heartbeat}:
 * <ul>
 * <li>{@link Heartbeat#interval interval}: pulses on a scheduler's timer, whether the producer
 * is idle or busy;</li>
 * <li>{@link Heartbeat#pulsing pulsing}: pulses sent from the producer's own loop, so they stop
 * when that loop stalls;</li>
 * <li>{@link Heartbeat#perUnit perUnit}: one pulse before each unit of work;</li>
 * <li>{@link Heartbeat#watchdog watchdog}: the consumer's side, failing with a
 * {@link HeartbeatTimeoutException} when no beat arrives in time while the consumer is waiting;
 * {@link Heartbeat#values values} keeps only the results.</li>
 * </ul>
 * Every timer runs on a {@link reactor.core.scheduler.Scheduler}, so tests drive pulses and
 * timeouts exactly with virtual time. {@code io.gopherflux.steward} builds on this package to
 * restart a producer whose heartbeat stops.
 */
package io.gopherflux.heartbeat;
