package io.gopherflux.server.internal.limit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.gopherflux.server.http.Problem;
import io.gopherflux.server.http.ProblemException;
import io.gopherflux.server.limit.AddressRange;

/**
 * Who a request counts against: its {@code X-Api-Key} when the server knows that key, else its
 * address. A key the server does not know buys nothing: the request counts against its address
 * (and is answered 401, see {@link #unknownApiKey()}), so that guessing keys spends the guesser's
 * own budget. The address is the connection's peer, unless that peer is a trusted proxy: then
 * {@code X-Forwarded-For} is read from the right (the entry the nearest proxy appended) past every
 * trusted proxy, and the first untrusted address is the client. Entries left of it were written by
 * the client and could be anything, so they are never believed.
 */
public final class ClientKeys {

	/** The header field carrying an API key. */
	public static final String API_KEY = "X-Api-Key";
	/** The most characters of an API key. */
	public static final int MAX_API_KEY_LENGTH = 128;

	private final List<AddressRange> trustedProxies;
	private final Set<String> knownKeys;

	/**
	 * @param trustedProxies the proxies whose {@code X-Forwarded-For} is believed
	 * @param knownKeys      the API keys the server knows (those of the configuration)
	 */
	public ClientKeys(List<AddressRange> trustedProxies, Collection<String> knownKeys) {
		this.trustedProxies = List.copyOf(Objects.requireNonNull(trustedProxies, "trustedProxies"));
		this.knownKeys = Set.copyOf(Objects.requireNonNull(knownKeys, "knownKeys"));
	}

	/**
	 * The client's key: {@code key:<api key>} for a known key, else {@code ip:<address>}.
	 *
	 * @param apiKey        the {@code X-Api-Key} field, or null
	 * @param forwardedFor  the {@code X-Forwarded-For} field (all of them joined by commas), or null
	 * @param remoteAddress the connection's peer, or null when unknown (e.g. a Unix socket)
	 * @throws ProblemException (400) if the API key is empty, too long or not visible ASCII
	 */
	public String clientKey(String apiKey, String forwardedFor, InetSocketAddress remoteAddress) {
		if (apiKey != null) {
			checkApiKey(apiKey);
			if (knownKeys.contains(apiKey)) {
				return "key:" + apiKey;
			}
		}
		return "ip:" + clientAddress(forwardedFor, remoteAddress);
	}

	/** Whether {@code apiKey} is present and not one the server knows: such a request is answered 401. */
	public boolean unknown(String apiKey) {
		return apiKey != null && !knownKeys.contains(apiKey);
	}

	/**
	 * The answer to an unknown API key, once the request has been counted against its address: a
	 * 401 that says nothing of which keys exist.
	 */
	public static ProblemException unknownApiKey() {
		return new ProblemException(Problem.of(401, "unknown-api-key", "Unknown API key",
				"the " + API_KEY + " is not a key of this service; send a valid key, or none to be served on the "
						+ "anonymous plan"),
				Map.of("WWW-Authenticate", "ApiKey header=\"" + API_KEY + "\""));
	}

	/** The client's address as text: see the class description. */
	public String clientAddress(String forwardedFor, InetSocketAddress remoteAddress) {
		InetAddress peer = remoteAddress == null ? null : remoteAddress.getAddress();
		if (peer == null) {
			return remoteAddress == null ? "unknown" : remoteAddress.getHostString();
		}
		if (forwardedFor == null || !trusted(peer)) {
			return peer.getHostAddress();
		}
		InetAddress client = peer;
		String[] hops = forwardedFor.split(",");
		for (int i = hops.length - 1; i >= 0; i--) {
			InetAddress hop = AddressRange.literal(strip(hops[i].trim()));
			if (hop == null) {
				break;
			}
			client = hop;
			if (!trusted(hop)) {
				break;
			}
		}
		return client.getHostAddress();
	}

	private boolean trusted(InetAddress address) {
		for (AddressRange range : trustedProxies) {
			if (range.contains(address)) {
				return true;
			}
		}
		return false;
	}

	/** {@code [v6]:port} and {@code v4:port} forms lose their brackets and port. */
	private static String strip(String hop) {
		if (hop.startsWith("[")) {
			int end = hop.indexOf(']');
			return end < 0 ? hop : hop.substring(1, end);
		}
		int colon = hop.indexOf(':');
		if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
			return hop.substring(0, colon);
		}
		return hop;
	}

	private static void checkApiKey(String apiKey) {
		if (apiKey.isEmpty() || apiKey.length() > MAX_API_KEY_LENGTH) {
			throw ProblemException.badParameter(API_KEY, API_KEY + " must be 1 to " + MAX_API_KEY_LENGTH
					+ " characters, was " + apiKey.length());
		}
		for (int i = 0; i < apiKey.length(); i++) {
			char c = apiKey.charAt(i);
			if (c < 0x21 || c > 0x7E) {
				throw ProblemException.badParameter(API_KEY, API_KEY + " must be visible ASCII characters without spaces");
			}
		}
	}
}
