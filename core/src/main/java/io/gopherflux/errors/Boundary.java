package io.gopherflux.errors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The error boundary of one module: errors escaping the module are turned into the module's own
 * {@link GopherfluxException} subclass, with the module's context, so that what leaves a module
 * is always well formed for that module (chapter 5, "Error Propagation").
 * <p>
 * An escaping error {@code e} is treated as follows:
 * <ul>
 * <li>already of the module's error type: passed on unchanged (an inner call of the same module
 * already wrapped it);</li>
 * <li>another {@link GopherfluxException} (well formed by a lower module): wrapped by the module's
 * {@link Wrapper}, which may hide the lower module's details from the module's users;</li>
 * <li>a raw exception that the module declared a {@linkplain #knownEdgeCases(Class[]) known edge
 * case} (a missing file, a closed socket): wrapped the same way;</li>
 * <li>any other raw exception: passed on unchanged. It is a bug, and {@link ErrorReport} reports it
 * as one at the top instead of showing its message to a user.</li>
 * </ul>
 * The wrapper receives the escaping error as the cause, so nothing of the original is lost, and a
 * context holding {@code module}, the call site's key/values and, for a well-formed cause,
 * {@code causeId}, so that the log entries of both can be joined.
 * <p>
 * A boundary is immutable and may be shared; declare one per module:
 * <pre>{@code
 * static final Boundary<JobException> JOBS = Boundary.of("jobs", JobException.class,
 *         (cause, context) -> new JobException("cannot run job " + context.get("job"), context, cause));
 *
 * Mono<Void> runJob(String id) {
 *     return binaries.check(id).transform(JOBS.wrap(Map.of("job", id)));
 * }
 * }</pre>
 * The operators are Reactor's {@code onErrorMap}: a boundary only decides what to map to.
 *
 * @param <E> the module's error type
 */
public final class Boundary<E extends GopherfluxException> {

	/**
	 * Makes the module's error from an escaping error.
	 *
	 * @param <E> the module's error type
	 */
	@FunctionalInterface
	public interface Wrapper<E extends GopherfluxException> {

		/**
		 * @param cause   the escaping error, to be kept as the cause of the result
		 * @param context {@code module}, the call site's key/values and {@code causeId} when the
		 *                cause is well formed; to be passed to the module error's constructor
		 * @return the module's error, never {@code null}
		 */
		E wrap(Throwable cause, Map<String, Object> context);
	}

	private final String module;
	private final Class<E> errorType;
	private final Wrapper<? extends E> wrapper;
	private final List<Class<? extends Throwable>> knownEdgeCases;

	private Boundary(String module, Class<E> errorType, Wrapper<? extends E> wrapper,
			List<Class<? extends Throwable>> knownEdgeCases) {
		this.module = module;
		this.errorType = errorType;
		this.wrapper = wrapper;
		this.knownEdgeCases = knownEdgeCases;
	}

	/**
	 * The boundary of {@code module}, whose errors are of {@code errorType} and are made by
	 * {@code wrapper}. It wraps well-formed errors of other modules; add raw exceptions that are
	 * known edge cases with {@link #knownEdgeCases(Class[])}.
	 *
	 * @param module    the module's name; not blank
	 * @param errorType the module's error type
	 * @param wrapper   makes the module's error from an escaping one
	 * @param <E>       the module's error type
	 * @return the boundary
	 * @throws IllegalArgumentException if {@code module} is blank
	 */
	public static <E extends GopherfluxException> Boundary<E> of(String module, Class<E> errorType,
			Wrapper<? extends E> wrapper) {
		Objects.requireNonNull(module, "module");
		Objects.requireNonNull(errorType, "errorType");
		Objects.requireNonNull(wrapper, "wrapper");
		if (module.isBlank()) {
			throw new IllegalArgumentException("module must not be blank");
		}
		return new Boundary<>(module, errorType, wrapper, List.of());
	}

	/**
	 * A boundary like this one that also wraps raw exceptions of these types (and their subtypes),
	 * which the module knows how to describe to a user.
	 *
	 * @param types the raw exception types to wrap
	 * @return the new boundary
	 */
	@SafeVarargs
	public final Boundary<E> knownEdgeCases(Class<? extends Throwable>... types) {
		Objects.requireNonNull(types, "types");
		List<Class<? extends Throwable>> all = new ArrayList<>(knownEdgeCases);
		for (Class<? extends Throwable> type : types) {
			all.add(Objects.requireNonNull(type, "types element"));
		}
		return new Boundary<>(module, errorType, wrapper, Collections.unmodifiableList(all));
	}

	/** {@return the name of the module, put into every wrapped error's context under {@code module}} */
	public String module() {
		return module;
	}

	/**
	 * What this boundary lets escape in place of {@code error}: the module's error wrapping it, or
	 * {@code error} itself when it already is the module's error or is a raw exception that is not
	 * a known edge case (a bug).
	 *
	 * @param error   the escaping error
	 * @param context the call site's key/values, added to the wrapped error's context
	 * @return what escapes the module
	 * @throws NullPointerException if the wrapper returns {@code null}
	 */
	public Throwable wrapError(Throwable error, Map<String, ?> context) {
		Objects.requireNonNull(error, "error");
		Objects.requireNonNull(context, "context");
		if (errorType.isInstance(error) || !(error instanceof GopherfluxException || isKnownEdgeCase(error))) {
			return error;
		}
		Map<String, Object> ctx = new LinkedHashMap<>();
		ctx.put("module", module);
		ctx.putAll(context);
		if (error instanceof GopherfluxException) {
			ctx.put("causeId", ((GopherfluxException) error).id());
		}
		E wrapped = wrapper.wrap(error, Collections.unmodifiableMap(ctx));
		return Objects.requireNonNull(wrapped, "the wrapper of module " + module + " returned null");
	}

	/**
	 * {@link #wrapError(Throwable, Map)} with no call-site context.
	 *
	 * @param error the escaping error
	 * @return what escapes the module
	 */
	public Throwable wrapError(Throwable error) {
		return wrapError(error, Map.of());
	}

	/**
	 * An operator for {@code Flux.transform} or {@code Mono.transform} that applies this boundary
	 * to the error signal: values and completion pass untouched, an error is replaced as
	 * {@link #wrapError(Throwable, Map)} says. A {@code Mono} stays a {@code Mono}.
	 *
	 * @param context the call site's key/values (copied), added to each wrapped error's context
	 * @param <T>     the type of the values
	 * @return a function for {@code transform}
	 */
	@SuppressWarnings("unchecked")
	public <T> Function<Publisher<T>, Publisher<T>> wrap(Map<String, ?> context) {
		Objects.requireNonNull(context, "context");
		Map<String, Object> copy = Collections.unmodifiableMap(new LinkedHashMap<>(context));
		Function<Throwable, Throwable> mapper = e -> wrapError(e, copy);
		return source -> source instanceof Mono
				? ((Mono<T>) source).onErrorMap(mapper)
				: Flux.from(source).onErrorMap(mapper);
	}

	/**
	 * {@link #wrap(Map)} with no call-site context.
	 *
	 * @param <T> the type of the values
	 * @return a function for {@code transform}
	 */
	public <T> Function<Publisher<T>, Publisher<T>> wrap() {
		return wrap(Map.of());
	}

	private boolean isKnownEdgeCase(Throwable error) {
		for (Class<? extends Throwable> type : knownEdgeCases) {
			if (type.isInstance(error)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return "Boundary[" + module + ", " + errorType.getSimpleName() + ", known edge cases "
				+ Arrays.toString(knownEdgeCases.stream().map(Class::getSimpleName).toArray()) + "]";
	}
}
