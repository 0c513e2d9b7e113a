import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hostile clients against a running gopherflux server on the loopback interface, and polite ones
 * beside them; prints what each side got. Each attacker has loopback addresses of its own
 * (127.0.0.0/8 all reaches the loopback interface), so the per-address limits see them apart.
 * JDK only; run as a single-file program:
 *   java HostileBench.java PORT KEY HEADER_READ_TIMEOUT_MS [PHASES]
 * where KEY is an API key on a plan roomy enough for the polite clients of phase 1, and PHASES
 * the digits of the phases to run (all three by default).
 * <ol>
 * <li>Slowloris: 500 connections dripping a header byte a second, 600 silent ones, and 300 from one
 * address (over its cap), while 4 polite clients send small requests: when is each closed, and
 * the polite clients' latency before (after 3 s of warm-up) and during.</li>
 * <li>Spraying: one address sends requests with made-up API keys, and another sends from 2,048
 * addresses across eight /24s, as fast as they can; a polite client (5 requests a second) and a
 * newcomer (8 requests) of other networks: how many 429s do they get?</li>
 * <li>Primes hog: one client keeps 4 streams of 1,000 primes with the plan's most workers open;
 * another's 5-prime request, idle and during the hog.</li>
 * </ol>
 * Every phase is bounded in time; the whole run takes about a minute.
 */
public class HostileBench {

	static int port;
	static String key;

	public static void main(String[] args) throws Exception {
		port = Integer.parseInt(args[0]);
		key = args[1];
		long headerTimeoutMillis = Long.parseLong(args[2]);
		String phases = args.length > 3 ? args[3] : "123";
		if (phases.contains("1")) {
			slowloris(headerTimeoutMillis);
		}
		if (phases.contains("2")) {
			spraying();
		}
		if (phases.contains("3")) {
			primesHog();
		}
		// The hog's connections are still reading its last streams: leave them to the server to cancel.
		System.exit(0);
	}

	/** One HTTP/1.1 exchange on a connection of its own from {@code from}: the status, or -1 on a failure. */
	static int get(String from, String path, String apiKey) {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(from, 0));
			socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
			socket.setSoTimeout(60_000);
			String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
					+ (apiKey == null ? "" : "X-Api-Key: " + apiKey + "\r\n") + "\r\n";
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] all = in.readAllBytes();
			String head = new String(all, 0, Math.min(all.length, 16), StandardCharsets.US_ASCII);
			return head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9, 12)) : -1;
		}
		catch (IOException | RuntimeException e) {
			return -1;
		}
	}

	/** Milliseconds {@code get} took, or -1 if it did not answer 200. */
	static double timedGet(String from, String path, String apiKey) {
		long start = System.nanoTime();
		int status = get(from, path, apiKey);
		return status == 200 ? (System.nanoTime() - start) / 1e6 : -1;
	}

	static double percentile(List<Double> values, double p) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.isEmpty() ? Double.NaN : sorted.get((int) Math.round(p * (sorted.size() - 1)));
	}

	/** Polite clients in a loop until {@code stop}: their latencies in ms, failures counted apart. */
	static List<Double> politeUntil(AtomicBoolean stop, int clients, AtomicInteger failures) throws Exception {
		List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		List<Future<?>> running = new ArrayList<>();
		for (int i = 0; i < clients; i++) {
			running.add(pool.submit(() -> {
				while (!stop.get()) {
					double ms = timedGet("127.0.0.1", "/streams/integers?count=10", key);
					if (ms < 0) {
						failures.incrementAndGet();
					}
					else {
						latencies.add(ms);
					}
				}
			}));
		}
		for (Future<?> f : running) {
			f.get();
		}
		pool.shutdown();
		return latencies;
	}

	static void slowloris(long headerTimeoutMillis) throws Exception {
		System.out.println("== 1. slowloris, silent sockets and one address over its cap (header-read timeout "
				+ headerTimeoutMillis + " ms)");
		AtomicBoolean warm = new AtomicBoolean();
		new Thread(() -> sleep(3_000, warm)).start();
		politeUntil(warm, 4, new AtomicInteger());
		AtomicBoolean stop = new AtomicBoolean();
		AtomicInteger failures = new AtomicInteger();
		new Thread(() -> sleep(3_000, stop)).start();
		List<Double> before = politeUntil(stop, 4, failures);
		System.out.printf("polite, before: %d requests, p50 %.1f ms, p99 %.1f ms, %d failed%n", before.size(),
				percentile(before, 0.5), percentile(before, 0.99), failures.get());

		Selector selector = Selector.open();
		Map<SocketChannel, long[]> opened = new ConcurrentHashMap<>();
		List<SocketChannel> drippers = new ArrayList<>();
		Map<SocketChannel, String> kind = new ConcurrentHashMap<>();
		for (int a = 0; a < 10; a++) {
			for (int i = 0; i < 50; i++) {
				SocketChannel ch = open(selector, "127.0.0." + (2 + a), opened);
				ch.write(ByteBuffer.wrap("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)));
				drippers.add(ch);
				kind.put(ch, "slowloris");
			}
		}
		for (int a = 0; a < 3; a++) {
			for (int i = 0; i < 200; i++) {
				kind.put(open(selector, "127.0.0." + (12 + a), opened), "silent");
			}
		}
		for (int i = 0; i < 300; i++) {
			kind.put(open(selector, "127.0.0.20", opened), "one-address");
		}
		int total = opened.size();
		System.out.println("attack: " + total + " connections open (500 slowloris from 10 addresses, 600 silent from 3, "
				+ "300 silent from 127.0.0.20)");

		AtomicBoolean attackOver = new AtomicBoolean();
		AtomicInteger failuresDuring = new AtomicInteger();
		Thread polite = new Thread(() -> {
			try {
				List<Double> during = politeUntil(attackOver, 4, failuresDuring);
				System.out.printf("polite, during: %d requests, p50 %.1f ms, p99 %.1f ms, %d failed%n", during.size(),
						percentile(during, 0.5), percentile(during, 0.99), failuresDuring.get());
			}
			catch (Exception e) {
				throw new IllegalStateException(e);
			}
		});
		polite.start();
		Map<String, List<Double>> closedAfter = new TreeMap<>();
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(headerTimeoutMillis + 20_000);
		long nextDrip = System.nanoTime() + 1_000_000_000L;
		ByteBuffer sink = ByteBuffer.allocate(4096);
		int closed = 0;
		while (closed < total && System.nanoTime() < deadline) {
			selector.select(100);
			for (SelectionKey k : selector.selectedKeys()) {
				SocketChannel ch = (SocketChannel) k.channel();
				sink.clear();
				int n;
				try {
					n = ch.read(sink);
				}
				catch (IOException reset) {
					n = -1;
				}
				if (n < 0) {
					long[] at = opened.remove(ch);
					closedAfter.computeIfAbsent(kind.get(ch), x -> new ArrayList<>()).add((System.nanoTime() - at[0]) / 1e6);
					k.cancel();
					ch.close();
					closed++;
				}
			}
			selector.selectedKeys().clear();
			if (System.nanoTime() >= nextDrip) {
				nextDrip += 1_000_000_000L;
				for (SocketChannel ch : drippers) {
					if (ch.isOpen()) {
						try {
							ch.write(ByteBuffer.wrap("X".getBytes(StandardCharsets.US_ASCII)));
						}
						catch (IOException gone) {
							// closed by the server: the read side records it
						}
					}
				}
			}
		}
		attackOver.set(true);
		polite.join();
		closedAfter.forEach((what, times) -> {
			long atOnce = times.stream().filter(t -> t < 1_000).count();
			System.out.printf("%s: %d closed by the server, %d of them within 1 s (refused), the rest by %.0f ms "
					+ "(median %.0f ms)%n", what, times.size(), atOnce, percentile(times, 1.0), percentile(times, 0.5));
		});
		System.out.println("still open after " + (headerTimeoutMillis + 20_000) + " ms: " + opened.size());
		for (SocketChannel ch : opened.keySet()) {
			ch.close();
		}
		selector.close();
	}

	static SocketChannel open(Selector selector, String from, Map<SocketChannel, long[]> opened) throws IOException {
		SocketChannel ch = SocketChannel.open();
		ch.bind(new InetSocketAddress(from, 0));
		ch.connect(new InetSocketAddress("127.0.0.1", port));
		ch.configureBlocking(false);
		ch.register(selector, SelectionKey.OP_READ);
		opened.put(ch, new long[] {System.nanoTime()});
		return ch;
	}

	static void spraying() throws Exception {
		System.out.println("== 2. key and address spraying beside polite clients of other networks (free plan, 10/s, 100/min)");
		AtomicBoolean stop = new AtomicBoolean();
		Map<String, AtomicInteger> keySpray = new ConcurrentHashMap<>();
		Map<String, AtomicInteger> addressSpray = new ConcurrentHashMap<>();
		ExecutorService attackers = Executors.newFixedThreadPool(4);
		for (int t = 0; t < 2; t++) {
			attackers.submit(() -> {
				while (!stop.get()) {
					String guess = Long.toHexString(ThreadLocalRandom.current().nextLong());
					int status = get("127.0.0.30", "/streams/integers?count=1", guess);
					keySpray.computeIfAbsent(Integer.toString(status), s -> new AtomicInteger()).incrementAndGet();
				}
			});
		}
		AtomicInteger next = new AtomicInteger();
		for (int t = 0; t < 2; t++) {
			attackers.submit(() -> {
				while (!stop.get()) {
					int n = next.getAndIncrement() % 2048;
					int status = get("127.2." + (n >> 8) + "." + (1 + (n & 255) % 254), "/streams/integers?count=1", null);
					addressSpray.computeIfAbsent(Integer.toString(status), s -> new AtomicInteger()).incrementAndGet();
				}
			});
		}
		Map<String, Integer> polite = new TreeMap<>();
		Map<String, Integer> newcomer = new TreeMap<>();
		long start = System.nanoTime();
		for (int i = 0; i < 50; i++) {
			polite.merge(Integer.toString(get("127.0.0.31", "/streams/integers?count=1", null)), 1, Integer::sum);
			if (i == 25) {
				for (int j = 0; j < 8; j++) {
					newcomer.merge(Integer.toString(get("127.9.9.9", "/streams/integers?count=1", null)), 1, Integer::sum);
				}
			}
			long due = start + (i + 1) * 200_000_000L;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				Thread.sleep(wait / 1_000_000);
			}
		}
		stop.set(true);
		attackers.shutdown();
		attackers.awaitTermination(60, TimeUnit.SECONDS);
		System.out.println("key sprayer (127.0.0.30, made-up X-Api-Key) statuses: " + new TreeMap<>(keySpray));
		System.out.println("address sprayer (2,048 addresses in 127.2.0.0/21) statuses: " + new TreeMap<>(addressSpray));
		System.out.println("polite client (127.0.0.31, 5 requests/s for 10 s) statuses: " + polite);
		System.out.println("newcomer (127.9.9.9, 8 requests mid-spray) statuses: " + newcomer);
	}

	static void primesHog() throws Exception {
		System.out.println("== 3. primes hog (free plan: 4 streams, at most 4 workers each)");
		String small = "/streams/primes?count=5&seed=7";
		System.out.println("workers=64 on the free plan: " + get("127.0.0.40", "/streams/primes?count=1&workers=64", null));
		get("127.0.0.41", small, null);
		List<Double> idle = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			idle.add(timedGet("127.0.0.41", small, null));
		}
		AtomicBoolean stop = new AtomicBoolean();
		AtomicInteger hogStreams = new AtomicInteger();
		ExecutorService hog = Executors.newFixedThreadPool(4);
		for (int i = 0; i < 4; i++) {
			hog.submit(() -> {
				while (!stop.get()) {
					hogStreams.incrementAndGet();
					get("127.0.0.40", "/streams/primes?count=1000&workers=4", null);
				}
			});
		}
		Thread.sleep(2_000);
		List<Double> during = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			during.add(timedGet("127.0.0.41", small, null));
		}
		stop.set(true);
		hog.shutdownNow();
		System.out.println("small request (5 primes) idle, ms: " + idle);
		System.out.println("small request during the hog, ms: " + during);
		double idleMedian = percentile(idle, 0.5);
		double duringMedian = percentile(during, 0.5);
		System.out.printf("median idle %.0f ms, during the hog %.0f ms: %.2fx (hog streams opened: %d)%n", idleMedian,
				duringMedian, duringMedian / idleMedian, hogStreams.get());
	}

	static void sleep(long millis, AtomicBoolean then) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		then.set(true);
	}
}
