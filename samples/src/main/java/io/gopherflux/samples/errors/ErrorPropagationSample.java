package io.gopherflux.samples.errors;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;

import io.gopherflux.errors.Boundary;
import io.gopherflux.errors.ErrorReport;
import io.gopherflux.errors.GopherfluxException;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Error propagation across three modules: {@code lowlevel} stats a job binary that does not exist,
 * {@code intermediate} runs the job, and {@code main} shows the user a line and logs the full entry
 * under the same ID. Run once without a boundary in {@code intermediate} (the low-level error
 * escapes, so the top reports a bug), then with one (the user sees the crafted message).
 */
public final class ErrorPropagationSample implements Sample {

	static final String JOB_BINARY = "/bad/job/binary";

	/** The lowlevel module's error. */
	static final class LowLevelException extends GopherfluxException {
		LowLevelException(Throwable cause, Map<String, Object> context) {
			super("stat " + context.get("path") + ": no such file or directory",
					"A file the job needs is missing.", false, context, cause);
		}
	}

	/** The intermediate module's error. */
	static final class IntermediateException extends GopherfluxException {
		IntermediateException(Throwable cause, Map<String, Object> context) {
			super(message(context), message(context), false, context, cause);
		}

		private static String message(Map<String, Object> context) {
			return "cannot run job \"" + context.get("job") + "\": requisite binaries not available";
		}
	}

	/** A missing file is an edge case lowlevel knows; anything else escaping it is a bug. */
	static final Boundary<LowLevelException> LOWLEVEL =
			Boundary.of("lowlevel", LowLevelException.class, LowLevelException::new).knownEdgeCases(IOException.class);

	static final Boundary<IntermediateException> INTERMEDIATE =
			Boundary.of("intermediate", IntermediateException.class, IntermediateException::new);

	@Override
	public String name() {
		return "error-propagation";
	}

	@Override
	public String summary() {
		return "ch. 5 Error Propagation: wrap at module boundaries, report bugs with a log ID";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		return Mono.defer(() -> {
			out.println("-- intermediate lets lowlevel's error escape as it is");
			return main(runJob("1", false), out);
		}).then(Mono.defer(() -> {
			out.println("-- intermediate wraps errors at its boundary");
			return main(runJob("1", true), out);
		}));
	}

	/** lowlevel: whether the file is executable by everyone. */
	static Mono<Boolean> isGloballyExec(String path) {
		return Mono.fromCallable(() -> Files.getPosixFilePermissions(Path.of(path))
						.contains(PosixFilePermission.OTHERS_EXECUTE))
				.transform(LOWLEVEL.wrap(Map.of("path", path)));
	}

	/** intermediate: runs the job, with or without its error boundary. */
	static Mono<Void> runJob(String id, boolean wrapAtBoundary) {
		Mono<Void> job = isGloballyExec(JOB_BINARY).flatMap(executable -> executable
				? Mono.<Void>empty()
				: Mono.error(new IllegalStateException("job binary is not executable")));
		return wrapAtBoundary ? job.transform(INTERMEDIATE.wrap(Map.of("job", id))) : job;
	}

	/** main: the user-facing top, which expects intermediate's error type. */
	static Mono<Void> main(Mono<Void> job, PrintStream out) {
		return job.onErrorResume(e -> {
			ErrorReport report = ErrorReport.of(e, IntermediateException.class);
			out.print(report.logEntry());
			out.println(report.display());
			return Mono.empty();
		});
	}
}
