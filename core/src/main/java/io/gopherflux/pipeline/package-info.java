/**
 * Pipelines at scale (chapter 4 of <i>Concurrency in Go</i>): fan-out/fan-in of a slow stage and
 * bounded queuing with Little's-law meters.
 * <p>
 * A Go pipeline stage is a goroutine between two channels; in Reactor it is an operator, and the
 * done channel is cancellation, so most of the chapter is Reactor as it stands. This package adds
 * only what gives the Go ideas a name and a bound:
 * <ul>
 *     <li>{@link io.gopherflux.pipeline.FanOut}: run a stage on N workers of a
 *     {@link reactor.core.scheduler.Scheduler} and fan the results back in, in completion order
 *     ({@code flatMap}) or input order ({@code flatMapSequential}); configured by
 *     {@link io.gopherflux.pipeline.FanOutConfig}.</li>
 *     <li>{@link io.gopherflux.pipeline.QueueStage}: a bounded queue with an explicit
 *     {@link io.gopherflux.pipeline.OverflowPolicy} (Reactor's {@code limitRate} and
 *     {@code onBackpressureBuffer} underneath), reporting L, &lambda; and W to a
 *     {@link io.gopherflux.pipeline.QueueMetrics} port;
 *     {@link io.gopherflux.pipeline.MicrometerQueueMetrics} binds the port to Micrometer.</li>
 * </ul>
 * Chunking, the book's {@code bufio} case, is Reactor's
 * {@code bufferTimeout(maxSize, maxTime, scheduler, true)}: a chunk is emitted when it holds
 * {@code maxSize} elements or {@code maxTime} after its first element, whichever comes first;
 * the last argument makes it honour downstream backpressure instead of failing when a timed
 * chunk finds no demand. Fan-in of independent sources is {@code Flux.merge}.
 */
package io.gopherflux.pipeline;
