package io.gopherflux.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.gopherflux.ratelimit.Limit;
import io.gopherflux.server.limit.Plan;
import io.gopherflux.server.limit.Plans;
import io.gopherflux.server.limit.Quota;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.LoopResources;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * What the server's integration tests share: starting a server on an ephemeral port, plans built
 * in one line, HTTP calls through Reactor Netty's {@link HttpClient} (a fresh connection each),
 * the SSE and NDJSON framings parsed, bounded polling and a virtual-time driver.
 */
public final class TestClient {

	/** The longest any single exchange or wait may take before the test fails. */
	public static final Duration TIMEOUT = Duration.ofSeconds(20);

	/**
	 * The clients' own event loops: by default Reactor Netty's clients and servers share one set,
	 * and a server loop busy writing a fast stream would then starve the client meant to read it.
	 */
	static final LoopResources LOOPS = LoopResources.create("test-client", 2, true);

	private final int port;
	private final Map<String, String> headers;

	private TestClient(int port, Map<String, String> headers) {
		this.port = port;
		this.headers = headers;
	}

	/** A client of {@code server}, without extra header fields. */
	public static TestClient of(GopherfluxServer server) {
		return of(server.port());
	}

	/** A client of the server listening on {@code port} of the loopback address. */
	public static TestClient of(int port) {
		return new TestClient(port, Map.of());
	}

	/** The same client sending one more header field on every request. */
	public TestClient header(String name, String value) {
		Map<String, String> more = new LinkedHashMap<>(headers);
		more.put(name, value);
		return new TestClient(port, more);
	}

	/** The HTTP client behind this one: a new connection per request, to the loopback address. */
	public HttpClient http() {
		return HttpClient.newConnection()
				.runOn(LOOPS)
				.host("127.0.0.1")
				.port(port)
				.headers(h -> headers.forEach(h::set));
	}

	/** {@code GET uri}, body read to its end. */
	public Response get(String uri) {
		return request(HttpMethod.GET, uri);
	}

	/** {@code method uri}, body read to its end. */
	public Response request(HttpMethod method, String uri) {
		Response response = exchange(method, uri).block(TIMEOUT);
		if (response == null) {
			throw new AssertionError(method + " " + uri + " answered nothing");
		}
		return response;
	}

	/** {@code GET uri} as a Mono, for callers that need to do something while it runs. */
	public Mono<Response> exchange(String uri) {
		return exchange(HttpMethod.GET, uri);
	}

	/** {@code method uri} as a Mono. */
	public Mono<Response> exchange(HttpMethod method, String uri) {
		return http().request(method)
				.uri(uri)
				.responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8)
						.defaultIfEmpty("")
						.map(text -> new Response(response.status().code(), response.responseHeaders().copy(), text)));
	}

	/** Opens a stream and reads it in the background; see {@link LiveStream}. */
	public LiveStream open(String uri) {
		return new LiveStream(http(), uri);
	}

	/** A response read to its end. */
	public record Response(int status, HttpHeaders headers, String body) {

		/** The value of a header field, or null. */
		public String header(String name) {
			return headers.get(name);
		}

		/** The {@code Content-Type}. */
		public String contentType() {
			return header("Content-Type");
		}

		/** The body as a JSON object. */
		public Map<String, Object> json() {
			return TestJson.object(body);
		}

		/** The body as NDJSON: one object per line, every line ended. */
		public List<Map<String, Object>> ndjson() {
			return TestClient.ndjson(body);
		}

		/** The body as Server-Sent Events. */
		public Sse sse() {
			return TestClient.sse(body);
		}

		@Override
		public String toString() {
			return status + " " + headers.entries() + "\n" + body;
		}
	}

	/** Parses NDJSON, failing on an unterminated last line. */
	public static List<Map<String, Object>> ndjson(String text) {
		if (!text.isEmpty() && !text.endsWith("\n")) {
			throw new AssertionError("NDJSON ends inside a line: " + text);
		}
		List<Map<String, Object>> objects = new ArrayList<>();
		for (String line : text.split("\n")) {
			if (!line.isEmpty()) {
				objects.add(TestJson.object(line));
			}
		}
		return objects;
	}

	/** One dispatched SSE event; {@code event} is {@code message} when the frame names none. */
	public record SseEvent(String event, String data, String id) {

		/** The data as a JSON object. */
		public Map<String, Object> json() {
			return TestJson.object(data);
		}
	}

	/** A parsed event stream: its events in order, its comment lines and its {@code retry} values. */
	public record Sse(List<SseEvent> events, List<String> comments, List<String> retries) {

		/** The events named {@code name}. */
		public List<SseEvent> named(String name) {
			return events.stream().filter(e -> e.event().equals(name)).toList();
		}
	}

	/**
	 * Parses an event stream as the HTML standard's algorithm does: lines ending in LF, CR or CRLF;
	 * a blank line dispatches the event; {@code :} starts a comment; {@code field: value} with one
	 * optional space after the colon; several {@code data} lines are joined by LF; {@code id} is
	 * kept with the frame it came in (null when the frame has none); {@code retry} values are
	 * collected. Fails if the text ends inside a frame, as a finished stream must not.
	 */
	public static Sse sse(String text) {
		List<SseEvent> events = new ArrayList<>();
		List<String> comments = new ArrayList<>();
		List<String> retries = new ArrayList<>();
		String event = null;
		StringBuilder data = null;
		String id = null;
		String[] lines = text.split("\r\n|\r|\n", -1);
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i];
			if (line.isEmpty()) {
				if (data != null) {
					events.add(new SseEvent(event == null ? "message" : event, data.toString(), id));
				}
				event = null;
				data = null;
				id = null;
				continue;
			}
			if (i == lines.length - 1) {
				throw new AssertionError("event stream ends inside a frame: '" + line + "'");
			}
			if (line.startsWith(":")) {
				comments.add(line.substring(1).trim());
				continue;
			}
			int colon = line.indexOf(':');
			String field = colon < 0 ? line : line.substring(0, colon);
			String value = colon < 0 ? "" : line.substring(colon + 1);
			if (value.startsWith(" ")) {
				value = value.substring(1);
			}
			switch (field) {
				case "event" -> event = value;
				case "id" -> id = value;
				case "retry" -> retries.add(value);
				case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
				default -> throw new AssertionError("unexpected SSE field '" + field + "' in line '" + line + "'");
			}
		}
		if (event != null || data != null || id != null) {
			throw new AssertionError("event stream ends before the blank line of its last frame");
		}
		return new Sse(events, comments, retries);
	}

	/**
	 * Fails with {@code what} unless {@code condition} holds within {@link #TIMEOUT}; polls every
	 * 5 ms, on a thread where the condition may block.
	 */
	public static void await(String what, BooleanSupplier condition) {
		await(TIMEOUT, what, condition);
	}

	/** {@link #await(String, BooleanSupplier)} with another bound, for what may take longer (a JVM starting). */
	public static void await(Duration bound, String what, BooleanSupplier condition) {
		Boolean met = Flux.interval(Duration.ZERO, Duration.ofMillis(5), Schedulers.boundedElastic())
				.map(tick -> condition.getAsBoolean())
				.filter(Boolean::booleanValue)
				.next()
				.timeout(bound, Mono.error(() -> new AssertionError("timed out waiting until " + what)))
				.block();
		if (!Boolean.TRUE.equals(met)) {
			throw new AssertionError("never saw " + what);
		}
	}

	/**
	 * Checks that {@code invariant} holds throughout {@code window} of real time, polling every
	 * 20 ms, and fails as soon as it does not: for what must not happen, which no event can
	 * announce (a closed {@code EventSource} not reconnecting).
	 */
	public static void during(Duration window, String what, BooleanSupplier invariant) {
		long end = System.nanoTime() + window.toNanos();
		// Ended by takeWhile on the polling thread, between two checks: a check is never interrupted.
		Flux.interval(Duration.ZERO, Duration.ofMillis(20), Schedulers.boundedElastic())
				.onBackpressureDrop()
				.takeWhile(tick -> System.nanoTime() < end)
				.doOnNext(tick -> {
					if (!invariant.getAsBoolean()) {
						throw new AssertionError("no longer true: " + what);
					}
				})
				.blockLast(window.plus(TIMEOUT));
	}

	/**
	 * Advances {@code clock} by {@code step} every real millisecond until {@code until} signals, and
	 * returns its value. For behaviour whose content, not timing, is under test: the server may
	 * subscribe at any virtual instant, the outcome does not depend on it.
	 */
	public static <T> T drive(VirtualTimeScheduler clock, Duration step, Mono<T> until) {
		return drive(clock, step, TIMEOUT, until);
	}

	/**
	 * {@link #drive(VirtualTimeScheduler, Duration, Mono)} bounded by {@code bound}, for work whose
	 * duration grows with its size (many clients), each part of which has its own bound.
	 */
	public static <T> T drive(VirtualTimeScheduler clock, Duration step, Duration bound, Mono<T> until) {
		// Disposing the ticker does not wait for a tick in progress: the lock does, so that no tick of
		// this drive advances the clock under the next test (its timers would fire, and schedule, early).
		Object ticking = new Object();
		boolean[] stopped = {false};
		Disposable ticker = Flux.interval(Duration.ofMillis(1)).subscribe(tick -> {
			synchronized (ticking) {
				if (!stopped[0]) {
					clock.advanceTimeBy(step);
				}
			}
		});
		try {
			return until.block(bound);
		}
		finally {
			ticker.dispose();
			synchronized (ticking) {
				stopped[0] = true;
			}
		}
	}

	/** A plan with quotas written as in the configuration ({@code per-second:3/1s,per-minute:5/1m}). */
	public static Plan plan(String name, String quotas, Limit streamRate, int maxStreams) {
		List<Quota> parsed = Arrays.stream(quotas.split(",")).map(Quota::parse).toList();
		return new Plan(name, parsed, streamRate, maxStreams);
	}

	/** Plans of which the first is everyone's, with API keys given as key, plan name, key, plan name... */
	public static Plans plans(List<Plan> plans, String... apiKeys) {
		Map<String, Plan> byName = new LinkedHashMap<>();
		plans.forEach(p -> byName.put(p.name(), p));
		Map<String, String> keys = new LinkedHashMap<>();
		for (int i = 0; i < apiKeys.length; i += 2) {
			keys.put(apiKeys[i], apiKeys[i + 1]);
		}
		return new Plans(byName, plans.get(0).name(), keys);
	}

	/** Starts a server on an ephemeral port with {@code plans}, its timers on {@code timers}. */
	public static GopherfluxServer start(Plans plans, Scheduler timers) {
		return start(ServerConfig.defaults().withPlans(plans), timers);
	}

	/** Starts a server configured by {@code config}, on an ephemeral port whatever the config says. */
	public static GopherfluxServer start(ServerConfig config, Scheduler timers) {
		return GopherfluxServer.start(config.withPort(0), timers);
	}

	/**
	 * A response being read: the bytes so far, the number of lines (NDJSON elements) so far, and
	 * how it ended. Closing it drops the connection.
	 */
	public static final class LiveStream implements AutoCloseable {

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		private final AtomicInteger lines = new AtomicInteger();
		private final AtomicReference<HttpClientResponse> response = new AtomicReference<>();
		private final Sinks.One<Boolean> end = Sinks.one();
		private volatile Boolean outcome;
		private volatile Throwable failure;
		private final Disposable reading;

		LiveStream(HttpClient http, String uri) {
			Objects.requireNonNull(uri, "uri");
			reading = http.get()
					.uri(uri)
					.response((res, body) -> {
						response.set(res);
						return body.asByteArray();
					})
					.subscribe(this::received, this::failed, () -> ended(true));
		}

		private void failed(Throwable e) {
			failure = e;
			ended(false);
		}

		private void ended(boolean normally) {
			outcome = normally;
			end.tryEmitValue(normally);
		}

		private void received(byte[] chunk) {
			synchronized (bytes) {
				bytes.writeBytes(chunk);
			}
			int newlines = 0;
			for (byte b : chunk) {
				if (b == '\n') {
					newlines++;
				}
			}
			lines.addAndGet(newlines);
		}

		/** The status, once the response head has come (waits for it). */
		public int status() {
			await("the response head", () -> response.get() != null || outcome != null);
			if (response.get() == null) {
				throw new AssertionError("no response head", failure);
			}
			return response.get().status().code();
		}

		/** The response head's field, once it has come. */
		public String header(String name) {
			status();
			return response.get().responseHeaders().get(name);
		}

		/** Lines received so far. */
		public int lines() {
			return lines.get();
		}

		/** Text received so far. */
		public String text() {
			synchronized (bytes) {
				return bytes.toString(StandardCharsets.UTF_8);
			}
		}

		/** Waits until at least {@code n} lines have come. */
		public LiveStream awaitLines(int n) {
			await(n + " lines of the stream (have " + lines() + ")", () -> lines() >= n);
			return this;
		}

		/** Whether the response has ended, normally or not. */
		public boolean ended() {
			return outcome != null;
		}

		/** Why the response failed, or null. */
		public Throwable failure() {
			return failure;
		}

		/** Waits for the end: true if the body completed normally, false if the connection failed. */
		public boolean awaitEnd() {
			Boolean normally = end.asMono().block(TIMEOUT);
			if (normally == null) {
				throw new AssertionError("the stream did not end");
			}
			return normally;
		}

		/** Drops the connection. */
		@Override
		public void close() {
			reading.dispose();
		}
	}
}
