package io.gopherflux.server;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpServer;

/**
 * A static web site on a loopback port of its own: another origin than the server under test, as
 * the page of a browser test must be to exercise CORS. It serves the pages it is given, each at
 * its path, and 404 for anything else.
 */
public final class StaticSite implements AutoCloseable {

	private final HttpServer server;
	private final Map<String, String> pages = new ConcurrentHashMap<>();

	private StaticSite(HttpServer server) {
		this.server = server;
	}

	/** A site on a free port, serving nothing yet. */
	public static StaticSite start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			StaticSite site = new StaticSite(server);
			server.createContext("/", exchange -> {
				try (exchange) {
					String page = site.pages.get(exchange.getRequestURI().getPath());
					byte[] body = (page == null ? "not found" : page).getBytes(StandardCharsets.UTF_8);
					exchange.getResponseHeaders().set("Content-Type", page == null ? "text/plain" : "text/html; charset=utf-8");
					exchange.getResponseHeaders().set("Cache-Control", "no-store");
					exchange.sendResponseHeaders(page == null ? 404 : 200, body.length);
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(body);
					}
				}
			});
			server.start();
			return site;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Serves {@code html} at {@code path}. */
	public StaticSite page(String path, String html) {
		pages.put(path, html);
		return this;
	}

	/** The site's origin, {@code http://127.0.0.1:port}. */
	public String origin() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
