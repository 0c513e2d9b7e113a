package io.gopherflux.samples.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gopherflux.samples.SampleOutput;
import io.gopherflux.samples.Samples;
import org.junit.jupiter.api.Test;

/** Each set-up's timing, exactly, in virtual time (hand-derived from the limits in the comments). */
class ApiConnectionSampleTest {

	private static List<String> lines(ApiConnectionSample sample) {
		return SampleOutput.inVirtualTime(sample, Duration.ofMinutes(2)).lines().toList();
	}

	private static List<String> repeat(String line, int times) {
		List<String> lines = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			lines.add(line);
		}
		return lines;
	}

	private static String at(int seconds, String what) {
		return String.format("%02d:%02d:%02d %s", seconds / 3600, seconds / 60 % 60, seconds % 60, what);
	}

	@Test
	void samplesAreInTheCatalogInBookOrder() {
		assertThat(Samples.all()).extracting(s -> s.name())
				.containsSubsequence("rate-limit-none", "rate-limit-one", "rate-limit-tiers", "rate-limit-resources");
	}

	@Test
	void withoutALimitEveryCallGoesThroughAtOnce() {
		List<String> expected = new ArrayList<>(repeat(at(0, "ReadFile"), 10));
		expected.addAll(repeat(at(0, "ResolveAddress"), 10));
		expected.add(at(0, "Done."));
		assertThat(lines(ApiConnectionSample.unlimited())).containsExactlyElementsOf(expected);
	}

	/** 1/s, burst 1: one call a second, 20 calls in 19 s. */
	@Test
	void oneLimiterLetsOneCallThroughASecond() {
		List<String> expected = new ArrayList<>();
		for (int s = 0; s < 20; s++) {
			expected.add(at(s, s < 10 ? "ReadFile" : "ResolveAddress"));
		}
		expected.add(at(19, "Done."));
		assertThat(lines(ApiConnectionSample.oneLimiter())).containsExactlyElementsOf(expected);
	}

	/**
	 * 2/s (burst 1) and 10/min (burst 10): two calls a second until the minute's ten are used,
	 * then one every six seconds; the eleventh comes only 1.5 s after the tenth, because the
	 * per-minute bucket has been refilling since the start.
	 */
	@Test
	void tiersGiveTwoASecondThenOneEverySixSeconds() {
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			expected.add(at(i / 2, "ReadFile"));
		}
		for (int i = 1; i <= 10; i++) {
			expected.add(at(6 * i, "ResolveAddress"));
		}
		expected.add(at(60, "Done."));
		assertThat(lines(ApiConnectionSample.tiers())).containsExactlyElementsOf(expected);
	}

	/**
	 * Reads wait for the API tiers (2/s burst 2, 10/min burst 10) and the disk (1/s): one a second,
	 * the disk being the narrowest. Resolutions wait for the API tiers and the network (3/s): the
	 * reads used the minute's ten tokens, so one every six seconds.
	 */
	@Test
	void resourcesCombinePerCall() {
		List<String> expected = new ArrayList<>();
		for (int s = 0; s <= 6; s++) {
			expected.add(at(s, "ReadFile"));
		}
		expected.add(at(6, "ResolveAddress"));
		for (int s = 7; s <= 9; s++) {
			expected.add(at(s, "ReadFile"));
		}
		for (int i = 2; i <= 10; i++) {
			expected.add(at(6 * i, "ResolveAddress"));
		}
		expected.add(at(60, "Done."));
		assertThat(lines(ApiConnectionSample.resources())).containsExactlyElementsOf(expected);
	}
}
