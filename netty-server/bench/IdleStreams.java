import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Opens idle streaming connections to a server on loopback until it holds {@code target} of them or
 * refuses more, then keeps them open for {@code hold} seconds and reports how many survived. A stream
 * counts as held once its response header (status 200) has arrived; its body is read and discarded.
 * Connections come from several source addresses (127.0.0.1 to 127.0.0.{sources}) so that source ports
 * do not run out, and at most {@code inFlight} are being set up at once (the listen backlog is finite).
 * <p>
 * Prints {@code held N} once the ramp is over (the caller measures the server's heap then), and
 * {@code still open N} at the end. Run as a single-file program with the netty-server classpath:
 * <pre>java -cp CP IdleStreams.java PORT TARGET PATH HOLD_SECONDS [SOURCES] [IN_FLIGHT]</pre>
 */
public class IdleStreams {

	static final AtomicInteger connecting = new AtomicInteger();
	static final AtomicInteger held = new AtomicInteger();
	static final AtomicInteger open = new AtomicInteger();
	static final AtomicInteger refused = new AtomicInteger();
	static final AtomicInteger connectFailures = new AtomicInteger();
	static final AtomicInteger droppedByServer = new AtomicInteger();
	static final AtomicLong bytes = new AtomicLong();
	static volatile String lastFailure = "";

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		int target = Integer.parseInt(args[1]);
		String path = args[2];
		int hold = Integer.parseInt(args[3]);
		int sources = args.length > 4 ? Integer.parseInt(args[4]) : 8;
		int inFlight = args.length > 5 ? Integer.parseInt(args[5]) : 256;
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		Bootstrap bootstrap = new Bootstrap().group(group)
				.channel(NioSocketChannel.class)
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
				.handler(new ChannelInitializer<SocketChannel>() {
					@Override
					protected void initChannel(SocketChannel ch) {
						ch.pipeline().addLast(new HttpClientCodec(), new Stream(path));
					}
				});
		InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
		long started = System.nanoTime();
		long lastProgress = started;
		int lastHeld = 0;
		int attempts = 0;
		long lastReport = started;
		// Stop on the target, on too many failures, or when nothing has been gained for 30 s.
		while (held.get() < target) {
			int failures = refused.get() + connectFailures.get();
			if (failures > 100 || failures > target / 100 + 10) {
				System.out.println("stopping: " + failures + " failures (last: " + lastFailure + ")");
				break;
			}
			long now = System.nanoTime();
			if (held.get() > lastHeld) {
				lastHeld = held.get();
				lastProgress = now;
			}
			if (now - lastProgress > TimeUnit.SECONDS.toNanos(30)) {
				System.out.println("stopping: no new stream for 30 s");
				break;
			}
			if (now - lastReport > TimeUnit.SECONDS.toNanos(5)) {
				lastReport = now;
				System.out.println("  ramp: " + held.get() + " held, " + connecting.get() + " connecting, "
						+ (refused.get() + connectFailures.get()) + " failed");
			}
			if (attempts >= target || connecting.get() >= inFlight) {
				Thread.sleep(2);
				continue;
			}
			connecting.incrementAndGet();
			attempts++;
			InetSocketAddress source = new InetSocketAddress("127.0.0." + (1 + attempts % sources), 0);
			bootstrap.connect(server, source).addListener(f -> {
				if (!f.isSuccess()) {
					connecting.decrementAndGet();
					connectFailures.incrementAndGet();
					lastFailure = String.valueOf(f.cause());
				}
			});
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf("held %d (in %.1f s; %d refused, %d connections failed%s)%n", held.get(), seconds,
				refused.get(), connectFailures.get(), lastFailure.isEmpty() ? "" : ", last failure: " + lastFailure);
		System.out.flush();
		for (int s = 0; s < hold; s += 5) {
			Thread.sleep(5_000);
			System.out.println("  holding: " + open.get() + " open, " + droppedByServer.get() + " closed by the server, "
					+ bytes.get() + " body bytes received so far");
		}
		System.out.println("still open " + open.get());
		group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
	}

	/** One idle stream: sends the request, counts the response as held on a 200, discards the body. */
	static final class Stream extends ChannelInboundHandlerAdapter {

		final String path;
		boolean answered;
		boolean streaming;

		Stream(String path) {
			this.path = path;
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
			request.headers().set(HttpHeaderNames.HOST, "127.0.0.1").set(HttpHeaderNames.ACCEPT, "text/event-stream");
			ctx.writeAndFlush(request);
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				if (msg instanceof HttpResponse response) {
					answered = true;
					connecting.decrementAndGet();
					if (response.status().code() == 200) {
						streaming = true;
						held.incrementAndGet();
						open.incrementAndGet();
					}
					else {
						refused.incrementAndGet();
						lastFailure = "HTTP " + response.status();
						ctx.close();
					}
				}
				if (msg instanceof HttpContent content) {
					bytes.addAndGet(content.content().readableBytes());
				}
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			Channel channel = ctx.channel();
			if (streaming) {
				open.decrementAndGet();
				if (!channel.eventLoop().isShuttingDown()) {
					droppedByServer.incrementAndGet();
				}
			}
			else if (!answered && !channel.eventLoop().isShuttingDown()) {
				connecting.decrementAndGet();
				refused.incrementAndGet();
				lastFailure = "closed before a response";
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			lastFailure = cause.toString();
			ctx.close();
		}
	}
}
