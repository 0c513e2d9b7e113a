package io.gopherflux.server.limit;

import java.net.InetAddress;
import java.security.Permission;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class AddressRangeTest {

	static InetAddress address(String literal) {
		InetAddress address = AddressRange.literal(literal);
		assertThat(address).as(literal).isNotNull();
		return address;
	}

	@Test
	void nullIsRefused() {
		assertThatNullPointerException().isThrownBy(() -> AddressRange.parse(null)).withMessage("cidr");
		assertThat(AddressRange.literal(null)).isNull();
	}

	@Test
	void anIpv4BlockContainsTheAddressesUnderItsPrefix() {
		AddressRange range = AddressRange.parse("10.0.0.0/8");

		assertThat(range.contains(address("10.0.0.0"))).isTrue();
		assertThat(range.contains(address("10.255.1.2"))).isTrue();
		assertThat(range.contains(address("11.0.0.1"))).isFalse();
		assertThat(range.contains(address("9.255.255.255"))).isFalse();
	}

	@Test
	void aPrefixNeedNotFallOnAByte() {
		AddressRange range = AddressRange.parse("172.16.0.0/12");

		assertThat(range.contains(address("172.31.255.255"))).isTrue();
		assertThat(range.contains(address("172.32.0.0"))).isFalse();
		assertThat(range.contains(address("172.15.255.255"))).isFalse();
	}

	@Test
	void theHostBitsOfTheNetworkAreIgnored() {
		AddressRange range = AddressRange.parse("192.168.1.77/24");

		assertThat(range.contains(address("192.168.1.1"))).isTrue();
		assertThat(range).isEqualTo(AddressRange.parse("192.168.1.0/24")).hasSameHashCodeAs(AddressRange.parse("192.168.1.0/24"));
		assertThat(range).hasToString("192.168.1.77/24");
	}

	@Test
	void aBareAddressIsABlockOfOne() {
		AddressRange v4 = AddressRange.parse(" 127.0.0.1 ");
		AddressRange v6 = AddressRange.parse("::1");

		assertThat(v4.contains(address("127.0.0.1"))).isTrue();
		assertThat(v4.contains(address("127.0.0.2"))).isFalse();
		assertThat(v4).isEqualTo(AddressRange.parse("127.0.0.1/32")).hasToString("127.0.0.1");
		assertThat(v6.contains(address("0:0:0:0:0:0:0:1"))).isTrue();
		assertThat(v6.contains(address("::2"))).isFalse();
		assertThat(v6).isEqualTo(AddressRange.parse("::1/128"));
	}

	@Test
	void anIpv6BlockContainsTheAddressesUnderItsPrefix() {
		AddressRange range = AddressRange.parse("2001:db8::/32");

		assertThat(range.contains(address("2001:db8::1"))).isTrue();
		assertThat(range.contains(address("2001:DB8:ffff:ffff::ffff"))).isTrue();
		assertThat(range.contains(address("2001:db9::1"))).isFalse();
	}

	@Test
	void zeroPrefixesHoldTheirWholeFamilyOnly() {
		AddressRange allV4 = AddressRange.parse("0.0.0.0/0");
		AddressRange allV6 = AddressRange.parse("::/0");

		assertThat(allV4.contains(address("203.0.113.9"))).isTrue();
		assertThat(allV4.contains(address("2001:db8::1"))).isFalse();
		assertThat(allV6.contains(address("2001:db8::1"))).isTrue();
		assertThat(allV6.contains(address("203.0.113.9"))).isFalse();
	}

	@Test
	void rangesOfDifferentPrefixesDiffer() {
		assertThat(AddressRange.parse("10.0.0.0/8")).isNotEqualTo(AddressRange.parse("10.0.0.0/16"));
		assertThat(AddressRange.parse("10.0.0.0/8")).isNotEqualTo("10.0.0.0/8");
	}

	@ParameterizedTest
	@ValueSource(strings = {"", " ", "localhost", "example.com", "10.0.0.0/8/9", "10.0.0.0 /8", "[::1]", "fe80::1%eth0",
			"1::2::3", "10.0.0.0/x", "10.0.0.0/-1", "1.2.3.4.5", "256.1.1.1", "cafe", "dead.beef", "1.2.3", "12345"})
	void whatIsNotALiteralAddressIsRefused(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> AddressRange.parse(text))
				.withMessageContaining("'" + text + "'");
	}

	@ParameterizedTest
	@ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/1000", "::/129", "2001:db8::/200"})
	void aPrefixLongerThanTheAddressIsRefused(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> AddressRange.parse(text))
				.withMessageContaining("CIDR prefix").withMessageContaining(text);
	}

	@Test
	void literalReadsBothFamilies() {
		assertThat(AddressRange.literal("203.0.113.9").getHostAddress()).isEqualTo("203.0.113.9");
		assertThat(AddressRange.literal("2001:db8::1").getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
		assertThat(AddressRange.literal("::ffff:10.0.0.1").getHostAddress()).isEqualTo("10.0.0.1");
		assertThat(AddressRange.literal("")).isNull();
		assertThat(AddressRange.literal("2001:db8:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:1")).isNull();
	}

	/**
	 * A resolver lookup for a host name goes through {@code SecurityManager.checkConnect(host, -1)};
	 * a literal never does. Names made only of hex digits and dots look like literals at a glance.
	 */
	@Test
	@SuppressWarnings("removal")
	void namesAreNeverLookedUp() {
		List<String> names = List.of("cafe", "dead.beef", "bad", "face.b00c", "1.2.3.4.5", "256.1.1.1", ".1", "1.", "a.b.c.d");
		List<String> lookups = new CopyOnWriteArrayList<>();
		SecurityManager recorder = new SecurityManager() {
			@Override
			public void checkPermission(Permission perm) {
			}

			@Override
			public void checkPermission(Permission perm, Object context) {
			}

			@Override
			public void checkConnect(String host, int port) {
				if (port == -1) {
					lookups.add(host);
				}
			}
		};
		try {
			System.setSecurityManager(recorder);
		}
		catch (UnsupportedOperationException e) {
			Assumptions.abort("this JDK has no security manager to observe lookups with");
		}
		try {
			for (String name : names) {
				assertThat(AddressRange.literal(name)).as(name).isNull();
			}
		}
		finally {
			System.setSecurityManager(null);
		}
		assertThat(lookups).doesNotContainAnyElementsOf(names);
	}
}
