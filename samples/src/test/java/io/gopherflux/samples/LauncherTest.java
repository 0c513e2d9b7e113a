package io.gopherflux.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class LauncherTest {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int launch(String... args) {
		return Launcher.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	@Test
	void listNamesEverySample() {
		assertThat(launch("list")).isZero();
		String listing = out.toString(StandardCharsets.UTF_8);
		for (Sample sample : Samples.all()) {
			assertThat(listing).contains(sample.name()).contains(sample.summary());
		}
	}

	@Test
	void sampleNamesAreUnique() {
		Set<String> names = new HashSet<>();
		for (Sample sample : Samples.all()) {
			assertThat(names.add(sample.name())).as("duplicate name %s", sample.name()).isTrue();
		}
	}

	@Test
	void unknownSampleIsAnErrorNamingIt() {
		assertThat(launch("run", "no-such-sample")).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("no-such-sample");
	}

	@Test
	void badUsageIsAnError() {
		assertThat(launch("walk")).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage");
	}
}
