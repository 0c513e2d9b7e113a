package io.gopherflux.server.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Assumptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A {@code redis-server} child process of the test JVM on a loopback port, without persistence, so
 * that a restart comes back empty. Without the binary the calling tests are skipped (with how to
 * install it), except when the environment variable {@code CI} is set: there they fail, so that a
 * CI run cannot pass without exercising Redis.
 */
final class RedisProcess implements AutoCloseable {

	private static final String HOW_TO_INSTALL = "apt-get install redis-server (Debian/Ubuntu) or brew install redis (macOS)";
	private static final Duration READY_WITHIN = Duration.ofSeconds(15);

	private final Path binary;
	private final int port;
	private final Path log;
	private Process process;
	private RedisClient inspector;
	private StatefulRedisConnection<String, String> inspection;

	private RedisProcess(Path binary, int port, Path log) {
		this.binary = binary;
		this.port = port;
		this.log = log;
	}

	/** A running server on a free port; skips the test (fails it under CI) when redis-server is not installed. */
	static RedisProcess start() {
		Path binary = binaryOrSkip();
		IllegalStateException last = null;
		// The free port can be taken between probing and binding: try a few.
		for (int attempt = 0; attempt < 3; attempt++) {
			RedisProcess redis = new RedisProcess(binary, freeLoopbackPort(), tempLog());
			try {
				redis.launch();
				return redis;
			}
			catch (IllegalStateException e) {
				last = e;
			}
		}
		throw last;
	}

	private static Path binaryOrSkip() {
		Optional<Path> found = locate();
		if (found.isPresent()) {
			return found.get();
		}
		String ci = System.getenv("CI");
		if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
			fail("CI is set but redis-server is not installed, so the Redis tests cannot run; " + HOW_TO_INSTALL);
		}
		return Assumptions.abort("redis-server is not installed; Redis tests skipped. To run them: " + HOW_TO_INSTALL);
	}

	private static Optional<Path> locate() {
		String path = System.getenv().getOrDefault("PATH", "");
		return Arrays.stream((path + File.pathSeparator + "/usr/bin:/usr/local/bin:/usr/sbin").split(File.pathSeparator))
				.filter(dir -> !dir.isBlank())
				.map(dir -> Path.of(dir).resolve("redis-server"))
				.filter(Files::isExecutable)
				.findFirst();
	}

	private static int freeLoopbackPort() {
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return probe.getLocalPort();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static Path tempLog() {
		try {
			Path file = Files.createTempFile("redis-server-", ".log");
			file.toFile().deleteOnExit();
			return file;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Starts the process and waits, bounded, until it answers PING; its output goes to a file, so no pipe can fill. */
	private void launch() {
		try {
			process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port),
					"--bind", "127.0.0.1", "--save", "", "--appendonly", "no"))
					.redirectErrorStream(true)
					.redirectOutput(log.toFile())
					.start();
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot run " + binary, e);
		}
		Boolean ready = Mono.fromCallable(this::answersPing)
				.subscribeOn(Schedulers.boundedElastic())
				.filter(Boolean::booleanValue)
				.repeatWhenEmpty(Integer.MAX_VALUE, tries -> tries.delayElements(Duration.ofMillis(20)))
				.timeout(READY_WITHIN, Mono.just(false))
				.block();
		if (!Boolean.TRUE.equals(ready)) {
			process.destroyForcibly();
			throw new IllegalStateException("redis-server did not answer on port " + port + "; its output:\n" + output());
		}
	}

	private boolean answersPing() throws IOException {
		if (!process.isAlive()) {
			throw new IllegalStateException("redis-server exited with " + process.exitValue() + ":\n" + output());
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
			socket.setSoTimeout(1_000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = in.readNBytes(7);
			return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
		}
		catch (IOException notYet) {
			return false;
		}
	}

	private String output() {
		try {
			return Files.readString(log);
		}
		catch (IOException e) {
			return "(unreadable: " + e + ")";
		}
	}

	/** The URI the server under test is given. */
	String uri() {
		return "redis://127.0.0.1:" + port;
	}

	int port() {
		return port;
	}

	/** A connection of the test's own, to look at the keys the limiter wrote. */
	RedisCommands<String, String> commands() {
		if (inspection == null || !inspection.isOpen()) {
			if (inspector == null) {
				inspector = RedisClient.create(uri());
			}
			inspection = inspector.connect();
		}
		return inspection.sync();
	}

	/** Sends SIGKILL, as in a crash, and waits until the process is gone. */
	void kill() {
		closeInspection();
		process.destroyForcibly();
		awaitExit();
	}

	/** A new, empty server on the same port. */
	void restart() {
		if (process.isAlive()) {
			throw new IllegalStateException("redis-server on port " + port + " is still running");
		}
		launch();
	}

	private void awaitExit() {
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("redis-server on port " + port + " would not exit");
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	private void closeInspection() {
		if (inspector != null) {
			inspector.shutdown(0, 2, TimeUnit.SECONDS);
			inspector = null;
			inspection = null;
		}
	}

	@Override
	public void close() {
		closeInspection();
		if (process != null && process.isAlive()) {
			process.destroy();
			awaitExit();
		}
	}
}
