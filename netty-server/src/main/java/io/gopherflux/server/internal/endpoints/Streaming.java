package io.gopherflux.server.internal.endpoints;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.gopherflux.errors.ErrorReport;
import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import io.gopherflux.server.Exchange;
import io.gopherflux.ratelimit.Limit;
import io.gopherflux.ratelimit.RateLimit;
import io.gopherflux.ratelimit.TokenBucket;
import io.gopherflux.ratelimit.TokenBucketConfig;
import io.gopherflux.server.http.EventEncoder;
import io.gopherflux.server.internal.http.FluxWriteBatches;
import io.gopherflux.server.internal.http.Json;
import io.gopherflux.server.http.Problem;
import io.gopherflux.server.http.ProblemException;
import io.gopherflux.server.internal.http.QueryParameters;
import io.gopherflux.server.internal.http.RequestHeaders;
import io.gopherflux.server.internal.http.StreamBody;
import io.gopherflux.server.http.StreamFormat;
import io.gopherflux.server.internal.limit.RateLimitHeaders;
import io.gopherflux.server.internal.limit.StreamSlots;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.server.HttpServerResponse;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.Context;

/**
 * Sends a stream the way every streaming endpoint does: in the negotiated format, at most at the
 * client's plan rate (lowered by {@code ?rate=}), within the client's cap on open streams, in
 * write batches, with SSE keep-alive comments, and with a failure turned into a final
 * {@code error} event whose log ID matches the logged stack trace. An SSE stream starts with a
 * {@code retry:} field, the reconnection delay a browser's {@code EventSource} is to use; a stream
 * cut by a shutdown ends with a {@code shutdown} event.
 * <p>
 * An HTTP/1.0 client cannot read a chunked body: a stream longer than its first batch is sent to
 * it as the rest of the connection, closed at the end. {@code HEAD} runs the stream only as far as
 * its first batch, to answer with the framing {@code GET} would have ({@code Content-Length} or
 * chunked), then cancels it; it holds no stream slot (but is refused as {@code GET} would be when
 * the client has none free).
 * <p>
 * Backpressure runs end to end: Reactor Netty requests batches as the socket drains, each batch
 * requests a bounded number of elements, and the rate limiter requests elements only as permits
 * come. A client that disconnects cancels the whole pipeline, which frees the stream slot.
 */
public final class Streaming {

	/** The parameters every stream takes. */
	public static final String FORMAT = Exchange.FORMAT;
	/** The element-rate parameter. */
	public static final String RATE = Exchange.RATE;
	/** The header field a reconnecting {@code EventSource} sends: the ID of the last event it saw. */
	public static final String LAST_EVENT_ID = "Last-Event-ID";
	/** Elements asked of a stream at once: what one write batch holds at most. */
	public static final int BATCH_ELEMENTS = 1024;
	/** The lowest rate a client may ask for: one element in 100 s. */
	public static final double MIN_RATE = 0.01;
	/** The highest rate a client may ask for. */
	public static final double MAX_RATE = 1e9;
	/** Permits of the per-stream throttle per second: its granularity is 10 ms of elements. */
	static final double PERMITS_PER_SECOND = 100;

	private static final Logger LOG = Loggers.getLogger(Streaming.class);
	private static final byte[] KEEP_ALIVE_COMMENT = Json.ascii(": keep-alive\n\n");
	private static final byte[] ERROR = Json.ascii("error");
	private static final byte[] SHUTDOWN = Json.ascii("shutdown");
	private static final byte[] SHUTDOWN_JSON = Json.ascii("{\"type\":\"shutdown\"}");
	private static final Object KEEP_ALIVE = new Object();
	private static final Object RETRY = new Object();

	private final Scheduler timers;
	private final Duration sseKeepAlive;
	private final StreamSlots slots;
	private final byte[] retryField;
	private final StreamShutdown shutdown;

	/**
	 * @param timers       the scheduler of throttle and keep-alive timers
	 * @param sseKeepAlive the interval of keep-alive comments on SSE streams
	 * @param sseRetry     the reconnection delay each SSE stream tells its client at its start
	 * @param slots        the open streams of each client
	 * @param shutdown     what ends the open streams at the end of a shutdown's drain
	 */
	public Streaming(Scheduler timers, Duration sseKeepAlive, Duration sseRetry, StreamSlots slots,
			StreamShutdown shutdown) {
		this.timers = Objects.requireNonNull(timers, "timers");
		this.sseKeepAlive = Objects.requireNonNull(sseKeepAlive, "sseKeepAlive");
		this.retryField = Json.ascii("retry: " + Objects.requireNonNull(sseRetry, "sseRetry").toMillis() + "\n\n");
		this.slots = Objects.requireNonNull(slots, "slots");
		this.shutdown = Objects.requireNonNull(shutdown, "shutdown");
	}

	/** The scheduler whose time the streams run on. */
	public Scheduler timers() {
		return timers;
	}

	/** The element rate of a stream of this exchange: the plan's cap, lowered by {@code ?rate=}. */
	public static Limit rate(Exchange exchange) {
		Limit cap = exchange.plan().streamRate();
		double asked = exchange.number(RATE);
		return asked < cap.perSecond() ? Limit.of(asked) : cap;
	}

	/**
	 * The rate {@code ?rate=} asks for, infinite when absent.
	 *
	 * @throws ProblemException (400) naming {@code rate} unless it is a number from {@link #MIN_RATE} to {@link #MAX_RATE}
	 */
	public static double askedRate(QueryParameters query) {
		double asked = query.positive(RATE, Double.POSITIVE_INFINITY, MAX_RATE);
		if (asked < MIN_RATE) {
			throw ProblemException.badParameter(RATE, RATE + " must be a number of elements per second from "
					+ MIN_RATE + " to " + (long) MAX_RATE + ", was '" + query.text(RATE) + "'");
		}
		return asked;
	}

	/** The format the exchange asks for: {@code ?format=}, else its {@code Accept} fields (all of them). */
	static StreamFormat format(Exchange exchange) {
		return StreamFormat.negotiate(exchange.text(FORMAT),
				RequestHeaders.list(exchange.request().requestHeaders(), HttpHeaderNames.ACCEPT.toString()));
	}

	/**
	 * Streams {@code elements} to the exchange's client.
	 *
	 * @throws ProblemException at once for an unacceptable format (before anything is sent)
	 */
	public <T> Mono<Void> send(Exchange exchange, Flux<T> elements, EventEncoder<? super T> encoder) {
		StreamFormat format = format(exchange);
		Limit rate = rate(exchange);
		String client = exchange.client();
		int maxStreams = exchange.plan().maxStreams();
		boolean head = exchange.request().method() == HttpMethod.HEAD;
		HttpServerResponse response = exchange.response();
		return Mono.defer(() -> {
			if (head ? !slots.hasRoom(client, maxStreams) : !slots.tryAcquire(client, maxStreams)) {
				return Mono.error(new ProblemException(Problem.of(429, "too-many-streams", "Too many open streams",
						"plan '" + exchange.plan().name() + "' allows " + maxStreams + " open streams at once; close one first"),
						Map.of(RateLimitHeaders.RETRY_AFTER, "1")));
			}
			// A widening cast without an operator: a cast() would cost a call per element.
			@SuppressWarnings("unchecked")
			Flux<Object> items = (Flux<Object>) (Flux<?>) throttled(elements, rate);
			if (format == StreamFormat.SSE) {
				items = keepAlive(items).startWith(RETRY);
			}
			Executor[] eventLoop = new Executor[1];
			response.withConnection(connection -> eventLoop[0] = connection.channel().eventLoop());
			FluxWriteBatches<Object> batches = new FluxWriteBatches<>(items, encoder(format, encoder),
					response.alloc(), BATCH_ELEMENTS, eventLoop[0], shutdown.cut(), Streaming::errorReport);
			StreamBody body = StreamBody.of(batches, Context.empty());
			response.header(HttpHeaderNames.CONTENT_TYPE, format.mediaType())
					.header(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
					.header("X-Accel-Buffering", "no");
			if (!body.complete() && exchange.request().version() == HttpVersion.HTTP_1_0) {
				// No chunked coding for HTTP/1.0: the body is the rest of the connection.
				response.chunkedTransfer(false).keepAlive(false);
			}
			if (head) {
				long length = body.length();
				body.dispose();
				if (length >= 0) {
					response.header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(length));
				}
				return response.send().then();
			}
			return response.send(body.publisher())
					.then()
					.doFinally(signal -> {
						body.dispose();
						slots.release(client);
					});
		});
	}

	/**
	 * The answer to a client resuming a stream after its last event: 204, which a browser's
	 * {@code EventSource} takes as the end (an empty 200 would make it reconnect forever). The
	 * request is validated as for a stream first, so a bad one is still refused.
	 */
	public Mono<Void> finished(Exchange exchange) {
		format(exchange);
		rate(exchange);
		return exchange.response()
				.status(HttpResponseStatus.NO_CONTENT)
				.chunkedTransfer(false)
				.send()
				.then();
	}

	/**
	 * The heartbeat's pulses as keep-alive comments, only on a stream that sent nothing for a whole
	 * interval: a busy stream needs none. A pulse nobody is ready for is dropped, never queued.
	 */
	private Flux<Object> keepAlive(Flux<Object> items) {
		long interval = sseKeepAlive.toNanos();
		long[] lastSent = {timers.now(TimeUnit.NANOSECONDS)};
		return Heartbeat.interval(items, sseKeepAlive, timers).handle((beat, sink) -> {
			long now = timers.now(TimeUnit.NANOSECONDS);
			if (beat instanceof Beat.Value<Object> value) {
				lastSent[0] = now;
				sink.next(value.value());
			}
			else if (now - lastSent[0] >= interval) {
				lastSent[0] = now;
				sink.next(KEEP_ALIVE);
			}
		});
	}

	private <T> Flux<T> throttled(Flux<T> elements, Limit rate) {
		if (rate.isInfinite()) {
			return elements;
		}
		int batch = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(rate.perSecond() / PERMITS_PER_SECOND)));
		TokenBucket bucket = TokenBucket.of(TokenBucketConfig.builder(Limit.of(rate.perSecond() / batch), 1)
				.name("stream")
				.timeFrom(timers)
				.build());
		return elements.transform(RateLimit.batches(bucket, batch));
	}

	@SuppressWarnings("unchecked")
	private <T> FluxWriteBatches.Encoder<Object> encoder(StreamFormat format, EventEncoder<? super T> encoder) {
		EventEncoder<Object> elements = (EventEncoder<Object>) encoder;
		return new FluxWriteBatches.Encoder<>() {
			@Override
			public void encode(Object item, ByteBuf out) {
				if (item != KEEP_ALIVE && item != RETRY && item != StreamShutdown.SHUTDOWN
						&& !(item instanceof ErrorReport)) {
					elements.writeEvent(item, format, out);
					return;
				}
				// The element encoder may be holding bytes back for this batch: they come first.
				elements.finish(out);
				if (item == KEEP_ALIVE) {
					out.writeBytes(KEEP_ALIVE_COMMENT);
				}
				else if (item == RETRY) {
					out.writeBytes(retryField);
				}
				else if (item == StreamShutdown.SHUTDOWN) {
					format.begin(out, SHUTDOWN);
					out.writeBytes(SHUTDOWN_JSON);
					format.end(out);
				}
				else {
					format.begin(out, ERROR);
					writeError((ErrorReport) item, out);
					format.end(out);
				}
			}

			@Override
			public void finish(ByteBuf out) {
				elements.finish(out);
			}
		};
	}

	/** A stream's failure as its last event (a well-formed error, logged once with its log ID), after which the response ends normally. */
	private static Object errorReport(Throwable error) {
		return ErrorReport.of(error).log(LOG);
	}

	private static void writeError(ErrorReport report, ByteBuf out) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "error");
		body.put("logId", report.id());
		body.put("detail", report.userMessage());
		body.put("retryable", report.error().retryable());
		out.writeCharSequence(Json.write(body), StandardCharsets.UTF_8);
	}
}
