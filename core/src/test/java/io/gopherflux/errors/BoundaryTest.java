package io.gopherflux.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;

class BoundaryTest {

	static final class LowLevelException extends GopherfluxException {
		LowLevelException(String message, Throwable cause) {
			super(message, message, false, Map.of(), cause);
		}
	}

	static final class JobException extends GopherfluxException {
		JobException(Throwable cause, Map<String, Object> context) {
			super("cannot run job " + context.get("job"), "The job could not run; retrying will not help.",
					false, context, cause);
		}
	}

	static final Boundary<JobException> JOBS = Boundary.of("jobs", JobException.class, JobException::new);

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> Boundary.of(null, JobException.class, JobException::new))
				.withMessage("module");
		assertThatNullPointerException().isThrownBy(() -> Boundary.of("jobs", null, JobException::new))
				.withMessage("errorType");
		assertThatNullPointerException().isThrownBy(() -> Boundary.of("jobs", JobException.class, null))
				.withMessage("wrapper");
		assertThatNullPointerException().isThrownBy(() -> JOBS.knownEdgeCases((Class<? extends Throwable>[]) null))
				.withMessage("types");
		assertThatNullPointerException().isThrownBy(() -> JOBS.wrapError(null, Map.of())).withMessage("error");
		assertThatNullPointerException().isThrownBy(() -> JOBS.wrapError(new IOException(), null))
				.withMessage("context");
		assertThatNullPointerException().isThrownBy(() -> JOBS.wrap(null)).withMessage("context");
	}

	@Test
	void blankModuleIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> Boundary.of(" ", JobException.class, JobException::new))
				.withMessageContaining("module");
	}

	@Test
	void wellFormedErrorOfAnotherModuleIsWrappedWithContext() {
		LowLevelException low = new LowLevelException("stat /bad: no such file", null);

		Throwable wrapped = JOBS.wrapError(low, Map.of("job", "1"));

		assertThat(wrapped).isInstanceOf(JobException.class).hasMessage("cannot run job 1").hasCause(low);
		assertThat(((JobException) wrapped).context())
				.containsExactly(Map.entry("module", "jobs"), Map.entry("job", "1"), Map.entry("causeId", low.id()));
	}

	@Test
	void errorOfTheModuleItselfPassesUnchanged() {
		JobException own = new JobException(null, Map.of("job", "2"));

		assertThat(JOBS.wrapError(own, Map.of("job", "3"))).isSameAs(own);
	}

	@Test
	void rawExceptionPassesUnchangedAsABug() {
		IllegalStateException raw = new IllegalStateException("oops");

		assertThat(JOBS.wrapError(raw)).isSameAs(raw);
	}

	@Test
	void rawExceptionDeclaredAKnownEdgeCaseIsWrapped() {
		Boundary<JobException> jobs = JOBS.knownEdgeCases(IOException.class);
		NoSuchFileException missing = new NoSuchFileException("/bad/job/binary");

		Throwable wrapped = jobs.wrapError(missing, Map.of("job", "4"));

		assertThat(wrapped).isInstanceOf(JobException.class).hasCause(missing);
		assertThat(((JobException) wrapped).context()).containsOnlyKeys("module", "job");
		assertThat(jobs.wrapError(new UncheckedIOException(missing))).isNotInstanceOf(JobException.class);
		assertThat(JOBS.wrapError(missing)).as("the original boundary is unchanged").isSameAs(missing);
	}

	@Test
	void wrapperReturningNullIsAnErrorNamingTheModule() {
		Boundary<JobException> broken = Boundary.of("broken", JobException.class, (cause, ctx) -> null);

		assertThatNullPointerException().isThrownBy(() -> broken.wrapError(new LowLevelException("x", null)))
				.withMessageContaining("broken");
	}

	@Test
	void fluxOperatorWrapsTheErrorSignalAndKeepsValues() {
		LowLevelException low = new LowLevelException("disk full", null);

		StepVerifier.create(Flux.just(1, 2).concatWith(Mono.error(low)).transform(JOBS.wrap(Map.of("job", "5"))))
				.expectNext(1, 2)
				.expectErrorSatisfies(e -> assertThat(e).isInstanceOf(JobException.class).hasCause(low)
						.hasMessage("cannot run job 5"))
				.verify();
	}

	@Test
	void monoOperatorKeepsAMono() {
		LowLevelException low = new LowLevelException("disk full", null);

		Mono<Integer> wrapped = Mono.<Integer>error(low).transform(JOBS.wrap());

		StepVerifier.create(wrapped).expectError(JobException.class).verify();
		StepVerifier.create(Mono.just(7).transform(JOBS.wrap())).expectNext(7).verifyComplete();
	}

	@Test
	void operatorPassesCancellationUpstream() {
		PublisherProbe<Integer> probe = PublisherProbe.of(Flux.never());

		StepVerifier.create(probe.flux().transform(JOBS.wrap())).thenCancel().verify();

		probe.assertWasCancelled();
	}
}
