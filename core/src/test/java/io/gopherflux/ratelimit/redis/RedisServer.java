package io.gopherflux.ratelimit.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} process on a free loopback port, started and stopped by the tests
 * themselves (no persistence, debug commands allowed from localhost), with a plain Lettuce
 * connection to look inside it.
 * <p>
 * Where the binary is missing the Redis tests are skipped with a message saying how to install
 * it (test classes carry {@code @ExtendWith(RedisServerInstalled.class)}), unless the environment
 * variable {@code CI} is set (and not {@code false}): then its absence fails them, so that CI
 * cannot pass without running them.
 */
final class RedisServer implements AutoCloseable {

	static final String INSTALL = "install it with 'sudo apt-get install redis-server' (Debian/Ubuntu) "
			+ "or 'brew install redis' (macOS)";

	private final Path binary;
	private final int port;
	private Process process;
	private RedisClient client;
	private StatefulRedisConnection<String, String> connection;

	private RedisServer(Path binary, int port) {
		this.binary = binary;
		this.port = port;
	}

	/** Starts a server on a free port, or skips (fails under CI) the calling test class if there is no binary. */
	static RedisServer start() {
		return startOn(freePort());
	}

	/** Starts a server on {@code port}, or skips (fails under CI) if there is no binary. */
	static RedisServer startOn(int port) {
		RedisServer server = new RedisServer(requireBinary(), port);
		server.launch();
		return server;
	}

	static Path requireBinary() {
		Optional<Path> binary = findBinary();
		if (binary.isPresent()) {
			return binary.get();
		}
		if (onCi()) {
			fail("redis-server is not on the PATH, and CI is set: the Redis tests must run here; " + INSTALL);
		}
		Assumptions.abort("redis-server is not on the PATH: Redis tests skipped; " + INSTALL);
		throw new AssertionError("unreachable");
	}

	static boolean onCi() {
		String ci = System.getenv("CI");
		return ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false");
	}

	static Optional<Path> findBinary() {
		return findBinary("redis-server");
	}

	/** The executable {@code name} on the PATH or in the usual system directories. */
	static Optional<Path> findBinary(String name) {
		String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
		return Stream.concat(Stream.of(path.split(File.pathSeparator)), Stream.of("/usr/bin", "/usr/sbin", "/usr/local/bin"))
				.filter(dir -> !dir.isEmpty())
				.map(dir -> Path.of(dir, name))
				.filter(Files::isExecutable)
				.findFirst();
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private void launch() {
		try {
			process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
					"--save", "", "--appendonly", "no", "--enable-debug-command", "local"))
					.redirectErrorStream(true)
					.start();
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not start " + binary, e);
		}
		// Wait for its "ready" line, then keep draining its output so that the pipe never fills up.
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		CompletableFuture<String> ready = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			StringBuilder log = new StringBuilder();
			try {
				for (String line; (line = out.readLine()) != null;) {
					log.append(line).append('\n');
					if (line.contains("Ready to accept connections")) {
						ready.complete(line);
					}
				}
			}
			catch (IOException ignored) {
				// the process was killed
			}
			ready.completeExceptionally(new IllegalStateException("redis-server on port " + port + " exited:\n" + log));
		}, "redis-server-" + port + "-output");
		reader.setDaemon(true);
		reader.start();
		try {
			ready.get(20, TimeUnit.SECONDS);
		}
		catch (Exception e) {
			process.destroyForcibly();
			throw new IllegalStateException("redis-server did not start on port " + port, e);
		}
	}

	int port() {
		return port;
	}

	String uri() {
		return "redis://127.0.0.1:" + port;
	}

	/** A connection of the test's own, to inspect keys or flush scripts. */
	RedisCommands<String, String> commands() {
		if (connection == null || !connection.isOpen()) {
			if (client == null) {
				client = RedisClient.create(uri());
			}
			connection = client.connect();
		}
		return connection.sync();
	}

	/** {@code calls} of one command in {@code INFO commandstats}, 0 if never called. */
	long calls(String command) {
		String stats = commands().info("commandstats");
		String prefix = "cmdstat_" + command + ":calls=";
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith(prefix)) {
				return Long.parseLong(line.substring(prefix.length(), line.indexOf(',', prefix.length())));
			}
		}
		return 0;
	}

	/** SIGKILL: the server dies at once, as in a crash. */
	void kill() {
		if (connection != null) {
			connection.close();
			connection = null;
		}
		process.destroyForcibly();
		waitFor();
	}

	/** Starts a new server (empty: nothing was saved) on the same port. */
	void restart() {
		launch();
	}

	private void waitFor() {
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("redis-server on port " + port + " did not stop");
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	@Override
	public void close() {
		if (client != null) {
			client.shutdown();
			client = null;
			connection = null;
		}
		if (process != null && process.isAlive()) {
			process.destroy();
			waitFor();
		}
	}
}
