/**
 * Well-formed errors (chapter 5, "Error Propagation"): the library's error type, boundaries that
 * wrap errors escaping a module into that module's type, and the top-level report that shows a
 * user a friendly line (or, for a bug, says so) with the ID of a log entry holding everything.
 * <table>
 * <caption>Go to gopherflux</caption>
 * <tr><th>Go</th><th>gopherflux</th></tr>
 * <tr><td>{@code MyError{Inner, Message, StackTrace, Misc}}</td>
 * <td>{@link io.gopherflux.errors.GopherfluxException}: cause, message, the Throwable's own stack
 * trace, context key/values, plus ID, UTC time, user message, retryable, stack hash.</td></tr>
 * <tr><td>{@code wrapError(err, "cannot run job %q", id)} at a package boundary</td>
 * <td>{@link io.gopherflux.errors.Boundary}, used with {@code transform} (it is Reactor's
 * {@code onErrorMap}) or directly in imperative code.</td></tr>
 * <tr><td>{@code handleError}: type check, log with ID, print message</td>
 * <td>{@link io.gopherflux.errors.ErrorReport}: known edge case or bug
 * ({@link io.gopherflux.errors.UnexpectedException}), {@code display()}, {@code logEntry()},
 * {@code log()}.</td></tr>
 * </table>
 */
package io.gopherflux.errors;
