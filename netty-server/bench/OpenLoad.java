import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator (what wrk2 does and wrk cannot): requests are scheduled at a fixed
 * rate whatever the server does, over keep-alive HTTP/1.1 connections, and each one's latency is
 * measured from the time it was due, not from the time a free connection sent it. A server that
 * stalls therefore shows its stall in the percentiles instead of slowing the generator down
 * (coordinated omission). Everything runs on one event-loop thread.
 * <p>
 * The first {@code WARMUP_SECONDS} run at half the rate (so that the generator's own code is compiled
 * too) and are not measured. Prints the achieved rate, latency percentiles of the measured phase, and
 * how long requests waited for a free connection (with every connection busy, the server or the
 * generator is behind: the percentiles then measure a queue).
 * <pre>java -cp CP OpenLoad.java URL RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS]</pre>
 */
public class OpenLoad {

	/** Requests due but waiting for a free connection, as the time they were due; bounded. */
	static final int MAX_BACKLOG = 1_000_000;

	final URI uri;
	final double rate;
	final long warmupNanos;
	final long durationNanos;
	/** Set by {@link #start}, on the event loop, once every connection is open. */
	long startNanos;
	long warmupEndNanos;
	long endNanos = Long.MAX_VALUE;
	/** The current phase: the warm-up at half the rate, then the measurement at the full rate. */
	long phaseStartNanos;
	double phaseRate;
	boolean measuring;
	int discarded;
	final ArrayDeque<Channel> idle = new ArrayDeque<>();
	final ArrayDeque<Long> backlog = new ArrayDeque<>();
	final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
	final Histogram lag = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
	final CountDownLatch finished = new CountDownLatch(1);
	long scheduled;
	long completed;
	long measured;
	long failures;
	String lastFailure = "";
	boolean overloaded;

	OpenLoad(URI uri, double rate, long warmupNanos, long durationNanos) {
		this.uri = uri;
		this.rate = rate;
		this.warmupNanos = warmupNanos;
		this.durationNanos = durationNanos;
	}

	void start(EventLoop loop, List<Channel> channels) {
		startNanos = System.nanoTime();
		warmupEndNanos = startNanos + warmupNanos;
		endNanos = warmupEndNanos + durationNanos;
		phaseStartNanos = startNanos;
		phaseRate = warmupNanos > 0 ? rate / 2 : rate;
		measuring = warmupNanos == 0;
		idle.addAll(channels);
		tick(loop);
	}

	public static void main(String[] args) throws Exception {
		URI uri = URI.create(args[0]);
		double rate = Double.parseDouble(args[1]);
		int seconds = Integer.parseInt(args[2]);
		int connections = args.length > 3 ? Integer.parseInt(args[3]) : 64;
		int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 5;
		if (!(rate > 0) || seconds < 1 || seconds > 600 || connections < 1 || connections > 10_000) {
			throw new IllegalArgumentException("usage: OpenLoad URL RATE(>0) SECONDS(1..600) [CONNECTIONS] [WARMUP]");
		}
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		EventLoop loop = group.next();
		OpenLoad load = new OpenLoad(uri, rate, TimeUnit.SECONDS.toNanos(warmup), TimeUnit.SECONDS.toNanos(seconds));
		Bootstrap bootstrap = new Bootstrap().group(loop)
				.channel(NioSocketChannel.class)
				.handler(new ChannelInitializer<SocketChannel>() {
					@Override
					protected void initChannel(SocketChannel ch) {
						ch.pipeline().addLast(new HttpClientCodec(), new Exchange(load));
					}
				});
		List<Channel> channels = new ArrayList<>();
		InetSocketAddress server = new InetSocketAddress(uri.getHost(), uri.getPort());
		for (int i = 0; i < connections; i++) {
			channels.add(bootstrap.connect(server).sync().channel());
		}
		loop.execute(() -> load.start(loop, channels));
		load.finished.await(seconds + warmup + 120, TimeUnit.SECONDS);
		loop.submit(load::report).get(10, TimeUnit.SECONDS);
		group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
	}

	/** Issues every request due by now, then runs again in about 1 ms (until the end). */
	void tick(EventLoop loop) {
		long now = System.nanoTime();
		if (now >= endNanos || overloaded) {
			finished.countDown();
			return;
		}
		if (!measuring && now >= warmupEndNanos) {
			// The warm-up (the generator's JIT as much as the server's) ran at half the rate; what it left
			// waiting is dropped, and the measurement schedules from zero at the full rate.
			measuring = true;
			discarded = backlog.size();
			backlog.clear();
			phaseStartNanos = warmupEndNanos;
			phaseRate = rate;
			scheduled = 0;
		}
		long due = (long) ((now - phaseStartNanos) * phaseRate / 1e9);
		while (scheduled < due) {
			long dueAt = phaseStartNanos + (long) (scheduled * 1e9 / phaseRate);
			scheduled++;
			Channel channel = idle.poll();
			if (channel != null) {
				send(channel, dueAt, now);
			}
			else if (backlog.size() < MAX_BACKLOG) {
				backlog.add(dueAt);
			}
			else {
				overloaded = true;
				lastFailure = "more than " + MAX_BACKLOG + " requests waiting for a connection: the server is far behind";
			}
		}
		loop.schedule(() -> tick(loop), 1, TimeUnit.MILLISECONDS);
	}

	void send(Channel channel, long dueAt, long now) {
		if (dueAt >= warmupEndNanos) {
			lag.recordValue(Math.max(0, now - dueAt));
		}
		channel.attr(Exchange.DUE).set(dueAt);
		FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri.getRawPath()
				+ (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
		request.headers().set(HttpHeaderNames.HOST, uri.getHost() + ":" + uri.getPort());
		channel.writeAndFlush(request);
	}

	void completed(Channel channel, boolean ok) {
		long now = System.nanoTime();
		long dueAt = channel.attr(Exchange.DUE).get();
		completed++;
		if (!ok) {
			failures++;
		}
		else if (dueAt >= warmupEndNanos && dueAt < endNanos) {
			measured++;
			latency.recordValue(Math.min(latency.getHighestTrackableValue(), now - dueAt));
		}
		Long next = backlog.poll();
		if (next != null) {
			send(channel, next, now);
		}
		else {
			idle.add(channel);
		}
	}

	void report() {
		double seconds = (endNanos - warmupEndNanos) / 1e9;
		System.out.printf("target %.0f req/s, measured %d requests in %.0f s (%.0f req/s), %d failed%s%n",
				rate, measured, seconds, measured / seconds, failures, lastFailure.isEmpty() ? "" : " (" + lastFailure + ")");
		System.out.printf("latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
				ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(90)),
				ms(latency.getValueAtPercentile(99)), ms(latency.getValueAtPercentile(99.9)), ms(latency.getMaxValue()));
		System.out.printf("waiting for a free connection (due to sent) ms: p99 %.3f  max %.3f; still waiting at the end: %d"
				+ " (left over from the warm-up at half rate: %d)%n",
				ms(lag.getValueAtPercentile(99)), ms(lag.getMaxValue()), backlog.size(), discarded);
	}

	static double ms(long nanos) {
		return nanos / 1e6;
	}

	/** One connection: counts a response as done at its last content; a non-200 is a failure. */
	static final class Exchange extends ChannelInboundHandlerAdapter {

		static final AttributeKey<Long> DUE = AttributeKey.valueOf("due");

		final OpenLoad owner;
		boolean ok;

		Exchange(OpenLoad owner) {
			this.owner = owner;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				if (msg instanceof HttpResponse response) {
					ok = response.status().code() == 200;
					if (!ok) {
						owner.lastFailure = "HTTP " + response.status();
					}
				}
				if (msg instanceof LastHttpContent) {
					owner.completed(ctx.channel(), ok);
				}
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (System.nanoTime() < owner.endNanos) {
				owner.failures++;
				owner.lastFailure = "the server closed a connection";
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			owner.lastFailure = cause.toString();
			ctx.close();
		}
	}
}
