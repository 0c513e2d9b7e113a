package io.gopherflux.samples.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.gopherflux.samples.SampleOutput;

class PrimeFinderSampleTest {

	private static final Pattern SEARCH = Pattern.compile(
			"primes, (.+):\\R((?:\\t\\d+\\R){10})\\tsearch took \\d+ ms\\R");

	// The first ten primes of the seeded stream, found with a test that is not the sample's.
	private static List<Integer> firstTenPrimes() {
		return PrimeFinderSample.randomIntegers()
				.filter(n -> BigInteger.valueOf(n).isProbablePrime(50))
				.take(10)
				.collectList()
				.block();
	}

	@Test
	void theNaiveTestAgreesWithARealOne() {
		for (int n = 0; n < 5_000; n++) {
			assertThat(PrimeFinderSample.isPrime(n)).as("%d", n).isEqualTo(BigInteger.valueOf(n).isProbablePrime(50));
		}
	}

	@Test
	void printsThreeSearchesOfTenPrimesWithTheirTimes() {
		String output = SampleOutput.onRealTime(new PrimeFinderSample());
		Matcher matcher = SEARCH.matcher(output);
		List<String> titles = new ArrayList<>();
		List<List<Integer>> primes = new ArrayList<>();
		int end = 0;
		while (matcher.find()) {
			assertThat(matcher.start()).as("nothing between the searches").isEqualTo(end);
			end = matcher.end();
			titles.add(matcher.group(1));
			primes.add(matcher.group(2).lines().map(String::strip).map(Integer::valueOf).collect(Collectors.toList()));
		}
		assertThat(end).as("the whole output is three searches").isEqualTo(output.length());

		int workers = Runtime.getRuntime().availableProcessors();
		assertThat(titles).containsExactly("one worker", workers + " workers, completion order",
				workers + " workers, input order");
		List<Integer> expected = firstTenPrimes();
		assertThat(primes.get(0)).as("one worker finds them in input order").isEqualTo(expected);
		assertThat(primes.get(2)).as("input order gives the same ten").isEqualTo(expected);
		// completion order: ten distinct primes from the stream, not necessarily the first ten
		assertThat(primes.get(1)).hasSize(10).doesNotHaveDuplicates()
				.allMatch(n -> BigInteger.valueOf(n).isProbablePrime(50))
				.allMatch(n -> n >= 2 && n < PrimeFinderSample.BOUND);
	}
}
