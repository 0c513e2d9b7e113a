package io.gopherflux.server.limit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address block in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}); a bare
 * address is a block of one. Used to say which proxies' {@code X-Forwarded-For} is trusted.
 */
public final class AddressRange {

	// Literal addresses only: a host name must never reach the resolver. IPv4 is read here (the JDK
	// looks up "cafe" or "256.1.1.1"); IPv6 goes in brackets, which the JDK parses and never looks up.
	private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
	private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

	private final byte[] network;
	private final int prefix;
	private final String text;

	private AddressRange(byte[] network, int prefix, String text) {
		this.network = network;
		this.prefix = prefix;
		this.text = text;
	}

	/**
	 * Parses {@code address} or {@code address/prefix}.
	 *
	 * @throws IllegalArgumentException if {@code cidr} is not a literal address with a prefix that fits it
	 */
	public static AddressRange parse(String cidr) {
		Objects.requireNonNull(cidr, "cidr");
		String trimmed = cidr.trim();
		int slash = trimmed.indexOf('/');
		String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
		InetAddress parsed = literal(address);
		if (parsed == null) {
			throw new IllegalArgumentException("not an IP address or CIDR block: '" + cidr + "'");
		}
		byte[] bytes = parsed.getAddress();
		int bits = bytes.length * 8;
		int prefix = bits;
		if (slash >= 0) {
			String p = trimmed.substring(slash + 1);
			if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
				throw new IllegalArgumentException("CIDR prefix must be 0.." + bits + " in '" + cidr + "'");
			}
			prefix = Integer.parseInt(p);
		}
		return new AddressRange(mask(bytes, prefix), prefix, trimmed);
	}

	/**
	 * The block of {@code prefix} bits that holds {@code address}, e.g. {@code 203.0.113.0/24} for
	 * {@code 203.0.113.7} and 24; written in its canonical form, so that equal blocks print alike.
	 *
	 * @throws IllegalArgumentException if {@code prefix} does not fit the address
	 */
	public static AddressRange of(InetAddress address, int prefix) {
		Objects.requireNonNull(address, "address");
		byte[] bytes = address.getAddress();
		if (prefix < 0 || prefix > bytes.length * 8) {
			throw new IllegalArgumentException("prefix must be 0.." + bytes.length * 8 + ", was " + prefix);
		}
		byte[] network = mask(bytes, prefix);
		try {
			return new AddressRange(network, prefix, InetAddress.getByAddress(network).getHostAddress() + "/" + prefix);
		}
		catch (UnknownHostException e) {
			throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
		}
	}

	/** The address of a literal IPv4 or IPv6 text, or {@code null} if it is not one (never a DNS lookup). */
	public static InetAddress literal(String text) {
		if (text == null || text.isEmpty() || text.length() > 45) {
			return null;
		}
		try {
			Matcher v4 = IPV4.matcher(text);
			if (v4.matches()) {
				byte[] bytes = new byte[4];
				for (int i = 0; i < 4; i++) {
					int octet = Integer.parseInt(v4.group(i + 1));
					if (octet > 255) {
						return null;
					}
					bytes[i] = (byte) octet;
				}
				return InetAddress.getByAddress(bytes);
			}
			return IPV6.matcher(text).matches() ? InetAddress.getByName("[" + text + "]") : null;
		}
		catch (UnknownHostException e) {
			return null;
		}
	}

	/** Whether {@code address} lies in this block (an IPv4 address never lies in an IPv6 block). */
	public boolean contains(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (bytes.length != network.length) {
			return false;
		}
		byte[] masked = mask(bytes, prefix);
		return Arrays.equals(masked, network);
	}

	private static byte[] mask(byte[] bytes, int prefix) {
		byte[] out = bytes.clone();
		for (int i = 0; i < out.length; i++) {
			int keep = Math.max(0, Math.min(8, prefix - i * 8));
			out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
		}
		return out;
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof AddressRange other && prefix == other.prefix
				&& Arrays.equals(network, other.network);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(network) * 31 + prefix;
	}

	@Override
	public String toString() {
		return text;
	}
}
