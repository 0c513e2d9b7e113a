package io.gopherflux.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class LatencyWindowTest {

	@Test
	void emptyUntilMinSamplesAreKnown() {
		LatencyWindow window = new LatencyWindow(10, 3);
		window.record(5);
		window.record(6);

		assertThat(window.percentile(50)).isEmpty();
		window.record(7);
		assertThat(window.percentile(50)).contains(Duration.ofNanos(6));
	}

	@Test
	void nearestRankPercentile() {
		LatencyWindow window = new LatencyWindow(10, 1);
		for (long n = 10; n >= 1; n--) {
			window.record(n);
		}

		assertThat(window.percentile(90)).contains(Duration.ofNanos(9));
		assertThat(window.percentile(91)).contains(Duration.ofNanos(10));
		assertThat(window.percentile(100)).contains(Duration.ofNanos(10));
		assertThat(window.percentile(0.1)).contains(Duration.ofNanos(1));
	}

	@Test
	void keepsOnlyTheMostRecent() {
		LatencyWindow window = new LatencyWindow(3, 1);
		for (long n : new long[] {100, 200, 300, 1, 2, 3}) {
			window.record(n);
		}

		assertThat(window.percentile(100)).contains(Duration.ofNanos(3));
	}
}
