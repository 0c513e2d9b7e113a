package io.gopherflux.server.internal.limit;

import java.net.InetSocketAddress;
import java.util.List;

import io.gopherflux.server.http.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.gopherflux.server.limit.AddressRange;

class ClientKeysTest {

	static final InetSocketAddress CLIENT = peer("203.0.113.7");
	static final InetSocketAddress PROXY = peer("10.0.0.1");

	/** Trusts 10.0.0.0/8 and the IPv6 documentation block's first /48. */
	final ClientKeys keys = new ClientKeys(List.of(AddressRange.parse("10.0.0.0/8"), AddressRange.parse("2001:db8:1::/48")),
			List.of("abc-123_XYZ", "abc", "k".repeat(ClientKeys.MAX_API_KEY_LENGTH)));

	static InetSocketAddress peer(String literal) {
		return new InetSocketAddress(AddressRange.literal(literal), 40_000);
	}

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> new ClientKeys(null, List.of())).withMessage("trustedProxies");
		assertThatNullPointerException().isThrownBy(() -> new ClientKeys(List.of(), null)).withMessage("knownKeys");
	}

	@Test
	void aKnownApiKeyIsTheKeyWhateverTheAddress() {
		assertThat(keys.clientKey("abc-123_XYZ", null, CLIENT)).isEqualTo("key:abc-123_XYZ");
		assertThat(keys.clientKey("abc", "198.51.100.1", PROXY)).isEqualTo("key:abc");
		assertThat(keys.clientKey("abc", null, null)).isEqualTo("key:abc");
	}

	@Test
	void anUnknownApiKeyIsNoClientTheAddressIs() {
		assertThat(keys.clientKey("made-up", null, CLIENT)).isEqualTo("ip:203.0.113.7");
		assertThat(keys.clientKey("ABC", "198.51.100.1", PROXY)).as("keys are case-sensitive").isEqualTo("ip:198.51.100.1");
		assertThat(keys.unknown("made-up")).isTrue();
		assertThat(keys.unknown("abc")).isFalse();
		assertThat(keys.unknown(null)).as("no key is not an unknown key").isFalse();
	}

	@Test
	void theAnswerToAnUnknownKeyIsA401ThatNamesNoKey() {
		ProblemException e = ClientKeys.unknownApiKey();

		assertThat(e.problem().status()).isEqualTo(401);
		assertThat(e.problem().kind()).isEqualTo("unknown-api-key");
		assertThat(e.problem().detail()).doesNotContain("abc");
		assertThat(e.headers()).containsEntry("WWW-Authenticate", "ApiKey header=\"X-Api-Key\"");
	}

	@Test
	void anApiKeyOfTheLongestLengthIsFine() {
		String longest = "k".repeat(ClientKeys.MAX_API_KEY_LENGTH);
		assertThat(keys.clientKey(longest, null, CLIENT)).isEqualTo("key:" + longest);
	}

	@ParameterizedTest
	@ValueSource(strings = {"", "with space", "tab\there", "é", "new\nline", "\u007f"})
	void aMalformedApiKeyIsABadParameterNamingTheHeader(String apiKey) {
		assertThatThrownBy(() -> keys.clientKey(apiKey, null, CLIENT))
				.isInstanceOfSatisfying(ProblemException.class, e -> {
					assertThat(e.problem().status()).isEqualTo(400);
					assertThat(e.problem().extensions()).containsEntry("parameter", "X-Api-Key");
					assertThat(e.problem().detail()).contains("X-Api-Key");
				});
	}

	@Test
	void anOverlongApiKeyIsABadParameterSayingTheLimit() {
		assertThatThrownBy(() -> keys.clientKey("k".repeat(129), null, CLIENT))
				.isInstanceOfSatisfying(ProblemException.class, e -> {
					assertThat(e.problem().extensions()).containsEntry("parameter", "X-Api-Key");
					assertThat(e.problem().detail()).contains("1 to 128").contains("129");
				});
	}

	@Test
	void withoutAKeyTheAddressIsTheKey() {
		assertThat(keys.clientKey(null, null, CLIENT)).isEqualTo("ip:203.0.113.7");
		assertThat(keys.clientKey(null, null, peer("2001:db8:ffff::5"))).isEqualTo("ip:2001:db8:ffff:0:0:0:0:5");
	}

	@Test
	void anUnknownPeerIsUnknownOrItsName() {
		assertThat(keys.clientKey(null, "198.51.100.1", null)).isEqualTo("ip:unknown");
		assertThat(keys.clientAddress(null, InetSocketAddress.createUnresolved("gateway", 80))).isEqualTo("gateway");
	}

	@Test
	void forwardedForFromAnUntrustedPeerIsIgnored() {
		assertThat(keys.clientAddress("198.51.100.1", CLIENT)).isEqualTo("203.0.113.7");
		assertThat(keys.clientAddress("10.0.0.5", CLIENT)).isEqualTo("203.0.113.7");
	}

	@Test
	void aTrustedProxyWithoutForwardedForIsItselfTheClient() {
		assertThat(keys.clientAddress(null, PROXY)).isEqualTo("10.0.0.1");
	}

	@ParameterizedTest(name = "X-Forwarded-For: {0} -> {1}")
	@CsvSource(delimiter = '|', value = {
			"198.51.100.1|198.51.100.1",
			// The client wrote the left entries; only the one the trusted proxy appended counts.
			"6.6.6.6, 198.51.100.1|198.51.100.1",
			"6.6.6.6, 198.51.100.1, 10.0.0.2, 10.9.9.9|198.51.100.1",
			"6.6.6.6,198.51.100.1,10.0.0.2|198.51.100.1",
			// Every hop trusted: the leftmost one is as far as we can see.
			"10.0.0.3, 10.0.0.2|10.0.0.3",
			// A malformed entry stops the walk at the last address we could read.
			"198.51.100.1, garbage|10.0.0.1",
			"garbage, 10.0.0.2|10.0.0.2",
			"6.6.6.6, , 10.0.0.2|10.0.0.2",
			"''|10.0.0.1",
			"unknown|10.0.0.1",
			"cafe|10.0.0.1",
			// Ports and brackets are dropped.
			"198.51.100.1:4711|198.51.100.1",
			"[2001:db8::9]:443|2001:db8:0:0:0:0:0:9",
			"[2001:db8::9]|2001:db8:0:0:0:0:0:9",
			"2001:db8::9|2001:db8:0:0:0:0:0:9",
			"6.6.6.6, [2001:db8:1::7]:80|6.6.6.6",
			"[2001:db8::9|10.0.0.1",
			"198.51.100.1:80:90|10.0.0.1",
			"'  198.51.100.1  '|198.51.100.1"
	})
	void forwardedForFromATrustedProxyIsReadFromTheRightPastTrustedHops(String forwardedFor, String client) {
		assertThat(keys.clientAddress(forwardedFor, PROXY)).isEqualTo(client);
		assertThat(keys.clientKey(null, forwardedFor, PROXY)).isEqualTo("ip:" + client);
	}

	@Test
	void anIpv6ProxyCanBeTrusted() {
		assertThat(keys.clientAddress("198.51.100.1", peer("2001:db8:1::1"))).isEqualTo("198.51.100.1");
		assertThat(keys.clientAddress("198.51.100.1", peer("2001:db8:2::1"))).isEqualTo("2001:db8:2:0:0:0:0:1");
	}

	@Test
	void withoutTrustedProxiesForwardedForNeverCounts() {
		ClientKeys none = new ClientKeys(List.of(), List.of());

		assertThat(none.clientAddress("198.51.100.1", PROXY)).isEqualTo("10.0.0.1");
	}
}
