package io.gopherflux.samples.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gopherflux.samples.SampleOutput;
import org.junit.jupiter.api.Test;

class ErrorsSamplesTest {

	private static final String LOW = ErrorPropagationSample.LowLevelException.class.getName();
	private static final String INTERMEDIATE = ErrorPropagationSample.IntermediateException.class.getName();

	@Test
	void unwrappedErrorIsReportedAsABugThenTheWrappedOneShowsItsMessage() {
		String output = SampleOutput.inVirtualTime(new ErrorPropagationSample(), Duration.ZERO);
		String[] runs = output.split("-- intermediate wraps errors at its boundary\n");
		assertThat(runs).hasSize(2);

		String bug = runs[0];
		assertThat(bug).startsWith("-- intermediate lets lowlevel's error escape as it is\n");
		String bugId = userLineId(bug, "There was an unexpected issue; please report this as a bug.");
		assertThat(bug).containsPattern("\\[logID: " + bugId + "] bug at \\S+Z stackHash=[0-9a-f]{16} retryable=false: "
				+ Pattern.quote("unexpected " + LOW + ": stat /bad/job/binary: no such file or directory"));
		assertThat(bug).containsPattern(Pattern.quote(LOW) + " id=[0-9a-z]{12} time=\\S+Z "
				+ Pattern.quote("context={module=lowlevel, path=/bad/job/binary}"));
		assertThat(bug).contains("Caused by: java.nio.file.NoSuchFileException: /bad/job/binary");

		String wrapped = runs[1];
		String id = userLineId(wrapped, "cannot run job \"1\": requisite binaries not available");
		assertThat(wrapped).containsPattern("\\[logID: " + id + "] error at \\S+Z stackHash=[0-9a-f]{16} retryable=false: "
				+ Pattern.quote("cannot run job \"1\": requisite binaries not available"));
		assertThat(wrapped).containsPattern(Pattern.quote(INTERMEDIATE) + " id=" + id + " time=\\S+Z "
				+ "context=\\{module=intermediate, job=1, causeId=[0-9a-z]{12}}");
		assertThat(wrapped).contains("Caused by: " + LOW + ": stat /bad/job/binary: no such file or directory")
				.contains("Caused by: java.nio.file.NoSuchFileException: /bad/job/binary");
	}

	/** The ID on the user's line, which must be the run's last line. */
	private static String userLineId(String run, String userMessage) {
		Matcher m = Pattern.compile("\\[([0-9a-z]{12})] " + Pattern.quote(userMessage) + "\n$").matcher(run);
		assertThat(m.find()).as("user line in%n%s", run).isTrue();
		return m.group(1);
	}
}
