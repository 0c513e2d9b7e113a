package io.gopherflux.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.test.util.TestLogger;

class ErrorReportTest {

	static final class LowLevelException extends GopherfluxException {
		LowLevelException(String message, Throwable cause) {
			super(message, message, true, Map.of("path", "/bad"), cause);
		}
	}

	static final class TopException extends GopherfluxException {
		TopException(Throwable cause) {
			super("cannot serve", "Cannot serve now; please try again later.", true, Map.of("request", 9), cause);
		}
	}

	@Test
	void nullArgumentsAreRejectedByName() {
		assertThatNullPointerException().isThrownBy(() -> ErrorReport.of(null)).withMessage("error");
		assertThatNullPointerException().isThrownBy(() -> ErrorReport.of(new RuntimeException(), null))
				.withMessage("wellFormed");
		assertThatNullPointerException().isThrownBy(() -> ErrorReport.of(new RuntimeException()).log(null))
				.withMessage("logger");
	}

	@Test
	void wellFormedErrorShowsItsFriendlyMessageWithItsId() {
		TopException error = new TopException(null);

		ErrorReport report = ErrorReport.of(error);

		assertThat(report.bug()).isFalse();
		assertThat(report.error()).isSameAs(error);
		assertThat(report.id()).isEqualTo(error.id());
		assertThat(report.display()).isEqualTo("[" + error.id() + "] Cannot serve now; please try again later.");
	}

	@Test
	void rawErrorIsReportedAsABugWithANewId() {
		NullPointerException raw = new NullPointerException("x was null");

		ErrorReport report = ErrorReport.of(raw);

		assertThat(report.bug()).isTrue();
		assertThat(report.error()).isInstanceOf(UnexpectedException.class).hasCause(raw);
		assertThat(report.error().context()).containsEntry("type", NullPointerException.class.getName());
		assertThat(report.display())
				.isEqualTo("[" + report.id() + "] There was an unexpected issue; please report this as a bug.");
	}

	@Test
	void wellFormedErrorOfTheWrongModuleIsABugAtATopThatExpectsItsOwnType() {
		LowLevelException low = new LowLevelException("stat /bad: no such file", null);

		ErrorReport report = ErrorReport.of(low, TopException.class);

		assertThat(report.bug()).isTrue();
		assertThat(report.error()).hasCause(low);
		assertThat(report.userMessage()).isEqualTo(UnexpectedException.USER_MESSAGE);
		assertThat(ErrorReport.of(new TopException(low), TopException.class).bug()).isFalse();
	}

	@Test
	void reportingAnUnexpectedExceptionAgainKeepsItsId() {
		ErrorReport first = ErrorReport.of(new IllegalStateException());

		ErrorReport again = ErrorReport.of(first.error(), TopException.class);

		assertThat(again.bug()).isTrue();
		assertThat(again.id()).isEqualTo(first.id());
	}

	@Test
	void logEntryIsKeyedByTheIdAndHoldsEverything() {
		LowLevelException low = new LowLevelException("stat /bad: no such file", new IllegalStateException("root"));
		TopException top = new TopException(low);

		String entry = ErrorReport.of(top).logEntry();

		assertThat(entry).startsWith("[logID: " + top.id() + "] error at " + top.time()
				+ " stackHash=" + top.stackHash() + " retryable=true: cannot serve");
		assertThat(entry).contains(TopException.class.getName() + " id=" + top.id() + " time=" + top.time()
				+ " context={request=9}");
		assertThat(entry).contains(LowLevelException.class.getName() + " id=" + low.id() + " time=" + low.time()
				+ " context={path=/bad}");
		assertThat(entry).contains("at " + ErrorReportTest.class.getName() + ".logEntryIsKeyedByTheIdAndHoldsEverything")
				.contains("Caused by: " + LowLevelException.class.getName() + ": stat /bad: no such file")
				.contains("Caused by: java.lang.IllegalStateException: root");
	}

	@Test
	void logWritesTheEntryAtErrorLevel() {
		TestLogger logger = new TestLogger(false);
		ErrorReport report = ErrorReport.of(new IllegalArgumentException("bad"));

		assertThat(report.log(logger)).isSameAs(report);

		assertThat(logger.getErrContent()).contains("[logID: " + report.id() + "] bug at")
				.contains("java.lang.IllegalArgumentException: bad");
	}
}
