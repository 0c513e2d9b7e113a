package io.gopherflux.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.TestClient.Response;
import io.gopherflux.server.limit.AddressRange;
import io.gopherflux.server.limit.ConnectionLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that hold connections without using them, played with raw sockets against short
 * timeouts (a few hundred milliseconds): each connection must be closed by the server, which a
 * read sees as the end of the stream within a generous bound; a stream that is sending is never
 * closed for it. Nothing here measures how soon: only whether, within {@link #CLOSED_WITHIN}.
 */
class ConnectionLimitsTest {

	/** Far more than any timeout configured here: a close later than this is no close. */
	static final int CLOSED_WITHIN = 10_000;
	/**
	 * The timeouts meant to fire. They are not shorter because a timeout that must not fire yet
	 * (before a request the test is about to send) has to outlast a busy machine's pauses.
	 */
	static final Duration SHORT = Duration.ofSeconds(1);
	static final Duration LONG = Duration.ofSeconds(60);

	GopherfluxServer server;
	final List<Socket> sockets = new ArrayList<>();

	@AfterEach
	void stop() throws IOException {
		for (Socket socket : sockets) {
			socket.close();
		}
		if (server != null) {
			assertThat(server.shutdown(Duration.ofSeconds(5))).isTrue();
		}
	}

	private void serve(ConnectionLimits limits, List<AddressRange> trustedProxies) {
		server = GopherfluxServer.start(ServerConfig.defaults().withPort(0).withTrustedProxies(trustedProxies)
				.withConnections(limits)
				.withPlans(TestClient.plans(List.of(TestClient.plan("open", "per-second:1000/1s", Limit.INF, 64)))),
				Schedulers.parallel());
	}

	private void serve(ConnectionLimits limits) {
		serve(limits, List.of());
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket();
		sockets.add(socket);
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), CLOSED_WITHIN);
		socket.setSoTimeout(CLOSED_WITHIN);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	/** Reads until the server closes (true), or until nothing has come for {@link #CLOSED_WITHIN} (false). */
	private static boolean closedByServer(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		byte[] buffer = new byte[4096];
		try {
			while (in.read(buffer) >= 0) {
				// whatever the server still had to say
			}
			return true;
		}
		catch (SocketTimeoutException e) {
			return false;
		}
		catch (SocketException e) {
			return true;
		}
	}

	/** Reads one response with a Content-Length, leaving the connection open. */
	private static String readResponse(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				throw new AssertionError("connection closed inside a response head: " + head);
			}
			head.append((char) b);
		}
		String text = head.toString();
		int at = text.toLowerCase().indexOf("content-length:");
		int length = Integer.parseInt(text.substring(at + 15, text.indexOf("\r\n", at)).trim());
		byte[] body = in.readNBytes(length);
		return text + new String(body, StandardCharsets.UTF_8);
	}

	private String scrape() {
		return server.registry().scrape();
	}

	@Test
	void aConnectionThatSendsNothingIsClosedByTheHeaderReadTimeout() throws IOException {
		serve(new ConnectionLimits(SHORT, LONG, 256));
		Socket silent = connect();

		assertThat(closedByServer(silent)).isTrue();
		assertThat(scrape()).contains("gopherflux_server_closed_connections_total{reason=\"header-read-timeout\"} 1.0");
	}

	@Test
	void aHeadSentByteByByteIsClosedByTheHeaderReadTimeoutThoughTheConnectionIsNeverIdle() throws IOException {
		serve(new ConnectionLimits(SHORT, LONG, 256));
		Socket slowloris = connect();
		send(slowloris, "GET /health HTTP/1.1\r\nHost: localhost\r\n");
		Disposable drip = Flux.interval(Duration.ofMillis(50), Schedulers.boundedElastic())
				.subscribe(tick -> {
					try {
						send(slowloris, "X");
					}
					catch (IOException closed) {
						// the server hung up: what the test waits for
					}
				});
		try (LogCapture log = LogCapture.start()) {
			assertThat(closedByServer(slowloris)).isTrue();
			TestClient.await("the server to be done with the connection", () -> server.connections().open() == 0);
			assertThat(log.text()).as("a client must not set the volume of the server's warnings").doesNotContain("WARN");
		}
		finally {
			drip.dispose();
		}
	}

	@Test
	void aHeadCutShortByTheClientIsDroppedWithoutAWarning() throws IOException {
		serve(new ConnectionLimits(LONG, LONG, 256));
		try (LogCapture log = LogCapture.start()) {
			for (int i = 0; i < 20; i++) {
				Socket quitter = connect();
				send(quitter, "GET /health HTTP/1.1\r\nHost: localhost\r\n");
				quitter.close();
			}
			TestClient.await("every connection to be closed", () -> server.connections().open() == 0);
			Socket next = connect();
			send(next, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readResponse(next)).startsWith("HTTP/1.1 200");

			assertThat(log.text()).doesNotContain("WARN");
		}
	}

	@Test
	void aKeptAliveConnectionIdleBetweenRequestsIsClosedByTheIdleTimeout() throws IOException {
		serve(new ConnectionLimits(LONG, SHORT, 256));
		Socket client = connect();
		send(client, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
		assertThat(readResponse(client)).startsWith("HTTP/1.1 200");
		send(client, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
		assertThat(readResponse(client)).as("kept alive").startsWith("HTTP/1.1 200");

		assertThat(closedByServer(client)).isTrue();
		assertThat(scrape()).contains("gopherflux_server_closed_connections_total{reason=\"idle-timeout\"} 1.0");
	}

	@Test
	void theNextHeadOnAKeptAliveConnectionHasTheHeaderReadTimeoutFromItsFirstByte() throws IOException {
		serve(new ConnectionLimits(SHORT.multipliedBy(2), LONG, 256));
		Socket client = connect();
		send(client, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
		assertThat(readResponse(client)).startsWith("HTTP/1.1 200");

		send(client, "GET /health HTTP/1.1\r\n");

		assertThat(closedByServer(client)).isTrue();
	}

	@Test
	void aBodyThatNeverArrivesDoesNotHoldTheConnection() throws IOException {
		serve(new ConnectionLimits(SHORT, LONG, 256));
		Socket client = connect();
		send(client, "POST /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n0123456789");

		assertThat(readResponse(client)).startsWith("HTTP/1.1 405");
		assertThat(closedByServer(client)).isTrue();
	}

	@Test
	void aStreamThatIsSendingIsNotClosedThoughItIsSilentForLongerThanEitherTimeout() {
		serve(new ConnectionLimits(Duration.ofMillis(500), Duration.ofMillis(500), 256));

		// Three elements at 1 a second: a second of silence between them, twice either timeout.
		Response r = TestClient.of(server).get("/streams/integers?count=3&rate=1");

		assertThat(r.status()).isEqualTo(200);
		assertThat(r.ndjson()).extracting(e -> e.get("value")).containsExactly(0L, 1L, 2L);
		assertThat(scrape()).contains("gopherflux_server_closed_connections_total{reason=\"idle-timeout\"} 0.0")
				.contains("gopherflux_server_closed_connections_total{reason=\"header-read-timeout\"} 0.0");
	}

	@Test
	void connectionsBeyondThePerAddressCapAreClosedAtOnceAndAFreedPlaceIsTakenAgain() throws IOException {
		serve(new ConnectionLimits(LONG, LONG, 2));
		Socket first = connect();
		connect();
		TestClient.await("two connections open", () -> server.connections().open() == 2);

		Socket third = connect();

		assertThat(closedByServer(third)).isTrue();
		assertThat(server.connections().open(InetAddress.getLoopbackAddress())).isEqualTo(2);
		first.close();
		TestClient.await("the first connection to be gone", () -> server.connections().open() == 1);
		Socket fourth = connect();
		send(fourth, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
		assertThat(readResponse(fourth)).startsWith("HTTP/1.1 200");
		assertThat(scrape()).contains("gopherflux_server_refused_connections_total 1.0")
				.contains("gopherflux_server_open_connections 2.0");
	}

	/**
	 * Requests refused before any route (by the HTTP conformance check) are answered and their
	 * connections closed: each gives its address's place back, and none is logged.
	 */
	@Test
	void requestsRefusedBeforeAnyRouteGiveTheirPlaceBackAndAreNotLogged() throws IOException {
		serve(new ConnectionLimits(LONG, LONG, 1));
		List<String> refused = List.of("GET /health HTTP/2.0\r\nHost: localhost\r\n\r\n",
				"GET /health HTTP/1.1\r\n\r\n",
				"GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
				"GARBAGE\r\n\r\n",
				"GET /health HTTP/1.1\r\nHost: localhost\r\nBad Name: x\r\n\r\n",
				"GET /health?x=" + "1".repeat(5000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n",
				"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n");
		try (LogCapture log = LogCapture.start()) {
			for (int round = 0; round < 3; round++) {
				for (String request : refused) {
					Socket client = connect();
					send(client, request);

					assertThat(readResponse(client)).as(request).matches("(?s)HTTP/1\\.1 4(00|14|31) .*");
					assertThat(closedByServer(client)).as(request).isTrue();
					TestClient.await("the refused connection to give its place back",
							() -> server.connections().open(InetAddress.getLoopbackAddress()) == 0);
				}
			}
			Socket next = connect();
			send(next, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readResponse(next)).startsWith("HTTP/1.1 200");

			assertThat(log.text()).as("a client must not set the volume of the server's warnings")
					.doesNotContain("WARN").doesNotContain("ERROR");
		}
		assertThat(scrape()).contains("gopherflux_server_refused_connections_total 0.0");
	}

	@Test
	void trustedProxiesAreExemptFromTheCap() throws IOException {
		serve(new ConnectionLimits(LONG, LONG, 1), List.of(AddressRange.parse("127.0.0.0/8"), AddressRange.parse("::1")));
		List<Socket> viaProxy = List.of(connect(), connect(), connect());

		for (Socket socket : viaProxy) {
			send(socket, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readResponse(socket)).startsWith("HTTP/1.1 200");
		}
	}
}
