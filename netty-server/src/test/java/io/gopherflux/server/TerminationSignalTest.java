package io.gopherflux.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gopherflux.server.TestClient.LiveStream;
import io.gopherflux.server.TestClient.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server as its own process, as an operator runs it: SIGTERM drains it and it exits with
 * status 0 (a supervisor takes 143 for a crash); a stream still open at the drain timeout ends
 * with a final {@code shutdown} event, in SSE and NDJSON alike. The server is a child JVM on the
 * test's class path, stopped with {@link ProcessHandle#destroy()}, which is SIGTERM on Unix.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TerminationSignalTest {

	/** A cold JVM on a busy machine can take long to start; this is a bound, not an expectation. */
	static final Duration START_WITHIN = Duration.ofSeconds(90);
	static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

	Process process;
	Thread outputReader;
	final List<String> output = new ArrayList<>();

	@AfterEach
	void kill() {
		if (process != null && process.isAlive()) {
			process.destroyForcibly();
		}
	}

	/** Starts the server with {@code flags} and returns its port, once it says it listens. */
	private int start(String... flags) {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), GopherfluxServer.class.getName(), "--host=127.0.0.1",
				"--port=0"));
		command.addAll(List.of(flags));
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		Thread drain = outputReader = new Thread(() -> {
			try {
				for (String line = reader.readLine(); line != null; line = reader.readLine()) {
					synchronized (output) {
						output.add(line);
					}
				}
			}
			catch (IOException e) {
				// the process ended
			}
		}, "server-output");
		drain.setDaemon(true);
		drain.start();
		int[] port = {-1};
		TestClient.await(START_WITHIN, "the server to say it listens", () -> {
			synchronized (output) {
				for (String line : output) {
					Matcher m = LISTENING.matcher(line);
					if (m.find()) {
						port[0] = Integer.parseInt(m.group(1));
					}
				}
			}
			if (!process.isAlive()) {
				throw new AssertionError("the server exited with " + process.exitValue() + ": " + output());
			}
			return port[0] > 0;
		});
		return port[0];
	}

	private String output() {
		synchronized (output) {
			return String.join("\n", output);
		}
	}

	/** Sends SIGTERM and returns the exit status (bounded wait). */
	private int terminate() {
		// Through the handle: Process.destroy() would also close the pipe the output is read from.
		assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();
		try {
			assertThat(process.waitFor(START_WITHIN.toSeconds(), TimeUnit.SECONDS)).as("exited; output:%n%s", output())
					.isTrue();
			// The output ends with the process; read it to its end before anyone looks at it.
			outputReader.join(START_WITHIN.toMillis());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", e);
		}
		return process.exitValue();
	}

	@Test
	void anIdleServerExitsWithStatusZeroOnSigterm() {
		int port = start();
		assertThat(TestClient.of(port).get("/health").status()).isEqualTo(200);

		assertThat(terminate()).as("exit status; output:%n%s", output()).isZero();
	}

	@Test
	void streamsOpenAtTheDrainTimeoutEndWithAShutdownEventAndTheServerExitsWithStatusZero() {
		int port = start("--drain-timeout=1s", "--plan.free.stream-rate=1");
		try (LiveStream ndjson = TestClient.of(port).open("/streams/integers?count=1000");
				LiveStream sse = TestClient.of(port).open("/streams/integers?count=1000&format=sse")) {
			ndjson.awaitLines(1);
			sse.awaitLines(3);

			assertThat(terminate()).as("exit status; output:%n%s", output()).isZero();

			assertThat(ndjson.awaitEnd()).as("the response ended, not cut").isTrue();
			assertThat(sse.awaitEnd()).isTrue();
			List<Map<String, Object>> elements = TestClient.ndjson(ndjson.text());
			assertThat(elements.get(elements.size() - 1)).isEqualTo(Map.of("type", "shutdown"));
			assertThat(elements.subList(0, elements.size() - 1)).isNotEmpty()
					.allSatisfy(element -> assertThat(element).containsEntry("type", "value"));
			List<SseEvent> events = TestClient.sse(sse.text()).events();
			assertThat(events.get(events.size() - 1).event()).isEqualTo("shutdown");
			assertThat(events.get(events.size() - 1).json()).isEqualTo(Map.of("type", "shutdown"));
			assertThat(output()).contains("drain timeout");
		}
	}
}
