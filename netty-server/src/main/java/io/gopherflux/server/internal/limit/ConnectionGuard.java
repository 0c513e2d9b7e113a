package io.gopherflux.server.internal.limit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gopherflux.server.internal.http.HttpConformance;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;
import io.gopherflux.server.limit.AddressRange;
import io.gopherflux.server.limit.ConnectionLimits;
import io.gopherflux.server.limit.InMemoryClientLimiter;
import io.gopherflux.server.limit.LimitMetrics;

/**
 * What a client can hold open without sending requests, bounded per connection: installed on
 * every new connection by {@code HttpServer.doOnChannelInit(guard::install)}. Reactor Netty's
 * {@code idleTimeout} and {@code requestTimeout} are not used: each adds and removes a timer
 * handler on every request of a kept-alive connection, which together cost about half again the
 * CPU of a 10-element response; one re-arming check per connection covers both.
 * <ul>
 * <li><b>Connections per address</b>: a connection beyond
 * {@link ConnectionLimits#maxConnectionsPerAddress()} from one address (one IPv6 /64) is closed
 * at once, before a byte is read. Trusted proxies are exempt: every client behind them shares
 * their address.</li>
 * <li><b>Header-read timeout</b>: a request head must arrive in full within
 * {@link ConnectionLimits#headerReadTimeout()}, counted from the connection's start for its first
 * request and from the first byte of each later one. It does not restart on every byte, so a
 * client that drips a header a byte at a time (slowloris) cannot hold the connection.</li>
 * <li><b>Idle timeout</b>: a kept-alive connection may stay silent between the end of a response
 * (its last byte handed to the socket) and the first byte of the next request for
 * {@link ConnectionLimits#idleTimeout()}.</li>
 * <li><b>Unread bodies</b>: a response that ends before its request's body has come in full closes
 * the connection (no endpoint reads a body), rather than leave Reactor Netty waiting for the rest,
 * which a client could drip for ever.</li>
 * </ul>
 * While a response is being sent (a stream, however long) neither timeout runs: the connection is
 * busy, not idle. The closures are counted in {@link LimitMetrics} and not logged: a head cut
 * short by a closed connection is dropped quietly, so that clients do not set the volume of the
 * log.
 */
public final class ConnectionGuard {

	/** The name of the per-address cap in the channel pipeline. */
	static final String CAP = "gopherflux.connectionCap";
	/** The names of the header-read timer's two halves, around the HTTP codec. */
	static final String HEAD_BYTES = "gopherflux.headBytes";
	static final String HEAD_REQUESTS = "gopherflux.headRequests";

	private final ConnectionLimits limits;
	private final List<AddressRange> exempt;
	private final LimitMetrics metrics;
	private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
	private final AtomicInteger open = new AtomicInteger();

	/**
	 * @param limits  the timeouts and the cap
	 * @param exempt  the addresses the cap does not apply to (the trusted proxies)
	 * @param metrics where refusals and closures are counted
	 */
	public ConnectionGuard(ConnectionLimits limits, List<AddressRange> exempt, LimitMetrics metrics) {
		this.limits = Objects.requireNonNull(limits, "limits");
		this.exempt = List.copyOf(Objects.requireNonNull(exempt, "exempt"));
		this.metrics = Objects.requireNonNull(metrics, "metrics");
	}

	/**
	 * Adds the guard's handlers to a new connection's pipeline; a
	 * {@link reactor.netty.ChannelPipelineConfigurer} for {@code HttpServer.doOnChannelInit}, which
	 * runs after Reactor Netty has added its HTTP codec (and, on a server, before the connection's
	 * peer is known: {@code remoteAddress} is not read).
	 * <p>
	 * The handler that sees whole request heads goes after {@link HttpConformance} (whichever of
	 * the two is installed first), so it counts only the requests a route will answer: one the
	 * conformance check refuses is answered there and its connection closed, and until it is, the
	 * header-read timer of its head keeps running.
	 */
	public void install(ConnectionObserver observer, Channel channel, SocketAddress remoteAddress) {
		ChannelPipeline pipeline = channel.pipeline();
		pipeline.addFirst(CAP, new Cap());
		if (pipeline.get(NettyPipeline.HttpCodec) != null) {
			ConnectionTimer timer = new ConnectionTimer(limits.headerReadTimeout().toNanos(), limits.idleTimeout().toNanos());
			pipeline.addBefore(NettyPipeline.HttpCodec, HEAD_BYTES, new HeadBytes(timer));
			String decoded = pipeline.get(HttpConformance.NAME) != null ? HttpConformance.NAME : NettyPipeline.HttpCodec;
			pipeline.addAfter(decoded, HEAD_REQUESTS, new HeadRequests(timer));
		}
	}

	/** Connections open now (those closed at once by the cap not counted). */
	public int open() {
		return open.get();
	}

	/** Connections open now from the address (or IPv6 /64) of {@code address}. */
	public int open(InetAddress address) {
		Integer count = perAddress.get(key(address));
		return count == null ? 0 : count;
	}

	/** The key the cap counts {@code remote} under, or null when it is exempt or has no IP address. */
	private String addressKey(SocketAddress remote) {
		if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
			return null;
		}
		InetAddress address = inet.getAddress();
		for (AddressRange range : exempt) {
			if (range.contains(address)) {
				return null;
			}
		}
		return key(address);
	}

	private static String key(InetAddress address) {
		return address instanceof Inet4Address ? address.getHostAddress()
				: AddressRange.of(address, InMemoryClientLimiter.IPV6_PREFIX).toString();
	}

	private boolean tryOpen(String key) {
		if (key == null) {
			return true;
		}
		boolean[] opened = {false};
		perAddress.compute(key, (k, count) -> {
			int n = count == null ? 0 : count;
			if (n >= limits.maxConnectionsPerAddress()) {
				return count;
			}
			opened[0] = true;
			return n + 1;
		});
		return opened[0];
	}

	private void closed(String key) {
		if (key != null) {
			perAddress.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
		}
	}

	/** Counts the connection against its address; one over the cap is closed before anything else sees it. */
	private final class Cap extends ChannelInboundHandlerAdapter {

		String key;
		boolean counted;

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			// The peer, read now: Reactor Netty gives server connections no remote address at init.
			key = addressKey(ctx.channel().remoteAddress());
			if (!tryOpen(key)) {
				metrics.connectionRefused();
				ctx.close();
				return;
			}
			counted = true;
			open.incrementAndGet();
			ctx.fireChannelActive();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			try {
				ctx.fireChannelInactive();
			}
			finally {
				// Counted out last: once a connection is no longer counted, its handlers are done with it.
				if (counted) {
					counted = false;
					open.decrementAndGet();
					closed(key);
				}
			}
		}
	}

	/**
	 * The header-read and idle clocks of one connection, shared by the handler before the codec
	 * (which sees bytes arrive) and the one after it (which sees whole request heads, and responses
	 * end). Only ever touched on the connection's event loop.
	 * <p>
	 * A kept-alive connection serves many requests in one timeout, so the clock is one scheduled
	 * check per connection, not one per request. At most one deadline runs at a time: the head's
	 * (from the first byte of a request until its head is read) or the idle one (from the end of a
	 * response until the next byte). The check, when it comes, closes the connection if the running
	 * deadline has passed, waits again for the rest of it (never longer than the shorter timeout, so
	 * that a deadline that starts meanwhile is not missed), and lapses if none runs: a request is in
	 * progress, and the next deadline to start arms it again.
	 */
	private final class ConnectionTimer {

		static final long NONE = Long.MIN_VALUE;

		final long headNanos;
		final long idleNanos;
		/** The longest a check waits: a deadline that starts while one is pending is at least this far away. */
		final long maxWaitNanos;
		ScheduledFuture<?> check;
		/** When the head being read began, or {@link #NONE}. */
		long headBegan = NONE;
		/** When the connection fell silent after a response, or {@link #NONE}. */
		long idleSince = NONE;
		/** Requests whose head has come and whose response has not ended. */
		int inProgress;
		/** Bytes came while a request was in progress, and no head since: part of the next one. */
		boolean nextHeadBegun;
		/** The last request's body has not come in full. */
		boolean bodyPending;
		/** The bytes of a read are being decoded (and requests answered) now. */
		boolean reading;
		/** A response ended during this read before its request's body came: check once the read is decoded. */
		boolean bodyCheckDue;

		ConnectionTimer(long headNanos, long idleNanos) {
			this.headNanos = headNanos;
			this.idleNanos = idleNanos;
			this.maxWaitNanos = Math.min(headNanos, idleNanos);
		}

		void headStarted(ChannelHandlerContext ctx) {
			if (headBegan == NONE) {
				headBegan = System.nanoTime();
			}
			idleSince = NONE;
			armIfNone(ctx);
		}

		void headRead() {
			headBegan = NONE;
		}

		void idleStarted(ChannelHandlerContext ctx) {
			idleSince = System.nanoTime();
			armIfNone(ctx);
		}

		void cancel() {
			if (check != null) {
				check.cancel(false);
				check = null;
			}
		}

		private void armIfNone(ChannelHandlerContext ctx) {
			if (check == null && ctx.channel().isActive()) {
				arm(ctx, maxWaitNanos);
			}
		}

		private void arm(ChannelHandlerContext ctx, long delayNanos) {
			check = ctx.executor().schedule(() -> expire(ctx), Math.min(delayNanos, maxWaitNanos), TimeUnit.NANOSECONDS);
		}

		private void expire(ChannelHandlerContext ctx) {
			check = null;
			if (inProgress > 0 || !ctx.channel().isActive()) {
				return;
			}
			long now = System.nanoTime();
			if (headBegan != NONE) {
				expire(ctx, headNanos - (now - headBegan), LimitMetrics.Closure.HEADER_READ_TIMEOUT);
			}
			else if (idleSince != NONE) {
				ChannelOutboundBuffer unsent = ctx.channel().unsafe().outboundBuffer();
				if (unsent != null && unsent.totalPendingWriteBytes() > 0) {
					// The last response is still going out to a slow reader: busy, not idle.
					idleSince = now;
				}
				expire(ctx, idleNanos - (now - idleSince), LimitMetrics.Closure.IDLE_TIMEOUT);
			}
		}

		private void expire(ChannelHandlerContext ctx, long leftNanos, LimitMetrics.Closure closure) {
			if (leftNanos > 0) {
				arm(ctx, leftNanos);
				return;
			}
			metrics.connectionClosed(closure);
			ctx.close();
		}
	}

	/** Before the codec: the first byte of a request starts the clock (a new connection starts it at once). */
	private static final class HeadBytes extends ChannelInboundHandlerAdapter {

		final ConnectionTimer timer;

		HeadBytes(ConnectionTimer timer) {
			this.timer = timer;
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			timer.headStarted(ctx);
			ctx.fireChannelActive();
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
				if (timer.inProgress == 0) {
					timer.headStarted(ctx);
				}
				else {
					timer.nextHeadBegun = true;
				}
			}
			timer.reading = true;
			try {
				ctx.fireChannelRead(msg);
			}
			finally {
				timer.reading = false;
			}
			if (timer.bodyCheckDue) {
				timer.bodyCheckDue = false;
				if (timer.bodyPending && timer.inProgress == 0) {
					// After what was written so far: the response goes out in full, then the connection closes.
					ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
				}
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			timer.cancel();
			ctx.fireChannelInactive();
		}
	}

	/**
	 * After the codec: a whole head stops the clock; the end of its response starts the idle clock,
	 * or the next head's when its bytes have begun.
	 */
	private final class HeadRequests extends ChannelDuplexHandler {

		final ConnectionTimer timer;

		HeadRequests(ConnectionTimer timer) {
			this.timer = timer;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof HttpRequest request) {
				if (request.decoderResult().cause() instanceof PrematureChannelClosureException) {
					// A head cut short by the connection's end (ours on a timeout, or the client's): there is
					// nobody left to answer, and Reactor Netty would log each one as a warning.
					ReferenceCountUtil.release(msg);
					return;
				}
				timer.headRead();
				timer.inProgress++;
				timer.nextHeadBegun = false;
				timer.bodyPending = !(msg instanceof LastHttpContent);
			}
			else if (msg instanceof LastHttpContent) {
				timer.bodyPending = false;
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			if (!(msg instanceof LastHttpContent) || (msg instanceof HttpResponse response
					&& response.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
				ctx.write(msg, promise);
				return;
			}
			if (timer.inProgress > 0 && --timer.inProgress == 0) {
				if (timer.nextHeadBegun) {
					timer.nextHeadBegun = false;
					timer.headStarted(ctx);
				}
				else {
					timer.idleStarted(ctx);
				}
			}
			if (timer.bodyPending) {
				// Answered before its body came in full (no endpoint reads one): Reactor Netty would wait for
				// the rest to keep the connection, and a client dripping it would hold the connection for ever.
				// Checked again once the bytes read so far are decoded: a response written while its request
				// is being read (a GET's empty body comes right after its head) is not cut short.
				if (timer.reading) {
					timer.bodyCheckDue = true;
					ctx.write(msg, promise);
					return;
				}
				ChannelPromise written = promise.unvoid();
				written.addListener(future -> {
					if (timer.bodyPending && timer.inProgress == 0) {
						ctx.channel().close();
					}
				});
				ctx.write(msg, written);
				return;
			}
			ctx.write(msg, promise);
		}

	}
}
