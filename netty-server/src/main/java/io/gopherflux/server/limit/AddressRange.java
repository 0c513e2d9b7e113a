package io.gopherflux.server.limit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

/**
 * An IPv4 or IPv6 address block in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}); a bare
 * address is a block of one. Used to say which proxies' {@code X-Forwarded-For} is trusted.
 */
public final class AddressRange {

	private final byte[] network;
	private final int prefix;
	private final String text;
	private final IpSubnetFilterRule rule;

	private AddressRange(byte[] network, int prefix, String text) {
		this.network = network;
		this.prefix = prefix;
		this.text = text;
		try {
			this.rule = new IpSubnetFilterRule(InetAddress.getByAddress(network), prefix, IpFilterRuleType.ACCEPT);
		}
		catch (UnknownHostException e) {
			throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
		}
	}

	/**
	 * Parses {@code address} or {@code address/prefix}.
	 *
	 * @param cidr a literal IPv4 or IPv6 address, optionally with {@code /prefix}; no host names
	 * @return the block, printed as given (trimmed)
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
	 * @param address any address in the block
	 * @param prefix  the number of leading bits the block fixes: 0..32 for IPv4, 0..128 for IPv6
	 * @return the block
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

	/**
	 * The address of a literal IPv4 or IPv6 text, or {@code null} if it is not one: read by
	 * Netty's {@link NetUtil}, never by a resolver (no DNS lookup, whatever the text). An
	 * IPv4-mapped IPv6 address is its IPv4 address; scoped and bracketed forms are refused.
	 *
	 * @param text the text
	 * @return the address, or null
	 */
	public static InetAddress literal(String text) {
		if (text == null || text.isEmpty() || text.length() > 45 || text.indexOf('%') >= 0 || text.indexOf('[') >= 0) {
			return null;
		}
		byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
		if (bytes == null) {
			return null;
		}
		try {
			// getByAddress never resolves; it makes an IPv4-mapped address the IPv4 one.
			return InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException e) {
			return null;
		}
	}

	/**
	 * Whether {@code address} lies in this block (an IPv4 address never lies in an IPv6 block), as
	 * Netty's {@link IpSubnetFilterRule} matches it.
	 *
	 * @param address the address
	 * @return whether it lies in the block
	 */
	public boolean contains(InetAddress address) {
		return rule.matches(new InetSocketAddress(address, 0));
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
