/**
 * Go's {@code context} package and chapter 5's timeouts and cancellation, the Reactor way.
 * <p>
 * Most of Go's context is already in Reactor; this package adds only what is missing:
 * <table>
 * <caption>Go context to Reactor</caption>
 * <tr><th>Go</th><th>Reactor / gopherflux</th></tr>
 * <tr><td>{@code ctx.Value(key)}, {@code context.WithValue}</td>
 * <td>{@code Mono.deferContextual(ctx -> ...)}, {@code contextWrite(Context.of(key, value))}: the
 * Reactor {@code Context}, immutable and propagated from subscriber to source. Keep the book's rules:
 * a private key per package, exported accessors, request-scoped data only.</td></tr>
 * <tr><td>{@code context.WithCancel}, {@code cancel()}</td>
 * <td>The {@code Disposable} returned by {@code subscribe}, or a {@code Sinks.Empty} fed to
 * {@code takeUntilOther}: cancelling a subscription cancels every operator and source upstream of it,
 * as cancelling a Go context cancels its children and never its parent.</td></tr>
 * <tr><td>{@code <-ctx.Done()}, {@code ctx.Err() == Canceled}</td>
 * <td>The cancel signal: {@code doOnCancel}, {@code doFinally(SignalType.CANCEL)}. Cancellation is
 * not an error in Reactive Streams; nobody downstream is left to receive one.</td></tr>
 * <tr><td>{@code context.WithDeadline}, {@code context.WithTimeout}</td>
 * <td>{@link io.gopherflux.context.Deadline#at} and {@link io.gopherflux.context.Deadline#after}
 * carry the deadline in the Context (the earlier one wins, as a child context cannot outlive its
 * parent); {@link io.gopherflux.context.Deadline#enforce} makes a Mono or Flux honour it. For a
 * timeout local to one operator, Reactor's own {@code timeout(Duration, Scheduler)} is enough.</td></tr>
 * <tr><td>{@code ctx.Deadline()} checked before a long wait</td>
 * <td>{@link io.gopherflux.context.Deadline#remaining}: fail fast with
 * {@link io.gopherflux.context.DeadlineExceededException#wouldPass} instead of waiting in vain.</td></tr>
 * <tr><td>{@code ctx.Err() == DeadlineExceeded}</td>
 * <td>{@link io.gopherflux.context.DeadlineExceededException}, a well-formed, retryable error.</td></tr>
 * <tr><td>a preemptable long calculation</td>
 * <td>{@link io.gopherflux.context.Preemptible}: chunks with a cancellation check between them.</td></tr>
 * </table>
 * Every instant is read on a {@code Scheduler}'s clock, so virtual time makes deadlines exact in
 * tests.
 */
package io.gopherflux.context;
