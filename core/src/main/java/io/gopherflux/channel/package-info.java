/**
 * The channel patterns of chapter 4 of <i>Concurrency in Go</i> as Reactor operators and
 * Publishers: done-signals, reading under a done-signal, splitting a stream, flattening a stream
 * of streams, and generators.
 * <p>
 * In Reactor a Go channel is a {@code Flux} and the {@code done} channel is cancellation, so only
 * the patterns whose semantics Reactor lacks get a type here:
 * <ul>
 * <li>{@link Or#of Or.of}: many done-signals folded into one {@code Mono<Void>} that completes
 * when the first of them fires, flat whatever their number;</li>
 * <li>{@link OrDone#of OrDone.of} and, for {@code transform}, {@link OrDone#until OrDone.until}:
 * a source read until a done-signal emits or completes;</li>
 * <li>{@link Tee#split Tee.split}: two branches that receive every value in lockstep, with no
 * buffer in between; {@link Tee.WhenOneCancels} says what happens to one when the other
 * leaves;</li>
 * <li>{@link Bridge#of Bridge.of}: a Publisher of Publishers read as one {@code Flux}, one inner
 * at a time, with demand carried across inners;</li>
 * <li>{@link Generators}: {@code repeat} and {@code repeatFn}, endless streams produced on
 * demand; the book's {@code take} and type-assertion stages are Reactor's {@code take},
 * {@code cast} and {@code ofType}.</li>
 * </ul>
 * The custom Publishers ({@code Or}, {@code OrDone}, {@code Tee}'s branches, {@code Bridge}) pass
 * the Reactive Streams TCK and honour backpressure; cancelling a subscription cancels everything
 * upstream of it.
 */
package io.gopherflux.channel;
