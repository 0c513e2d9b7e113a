package io.gopherflux.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on a loopback port in front of a server, whose connections a test can cut at once,
 * as a network failure would: what a browser's {@code EventSource} must survive by reconnecting.
 */
public final class TcpRelay implements AutoCloseable {

	private final ServerSocket listener;
	private final int target;
	private final Set<Socket> open = ConcurrentHashMap.newKeySet();
	private final AtomicInteger accepted = new AtomicInteger();

	private TcpRelay(ServerSocket listener, int target) {
		this.listener = listener;
		this.target = target;
	}

	/** A relay to the loopback {@code targetPort}, accepting on a free port. */
	public static TcpRelay to(int targetPort) {
		try {
			TcpRelay relay = new TcpRelay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
			daemon("relay-accept", relay::accept).start();
			return relay;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The port the relay accepts on. */
	public int port() {
		return listener.getLocalPort();
	}

	/** The connections accepted so far. */
	public int connections() {
		return accepted.get();
	}

	/** Closes every connection open now, both ways. */
	public void cut() {
		for (Socket socket : Set.copyOf(open)) {
			closeQuietly(socket);
		}
	}

	private void accept() {
		while (!listener.isClosed()) {
			try {
				Socket client = listener.accept();
				Socket server = new Socket();
				server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target));
				accepted.incrementAndGet();
				open.add(client);
				open.add(server);
				daemon("relay-up", () -> pump(client, server)).start();
				daemon("relay-down", () -> pump(server, client)).start();
			}
			catch (IOException e) {
				// the listener closed, or the target refused: the client sees its connection end
			}
		}
	}

	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
				out.write(buffer, 0, n);
				out.flush();
			}
		}
		catch (IOException e) {
			// cut, or closed by either side
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private void closeQuietly(Socket socket) {
		open.remove(socket);
		try {
			socket.close();
		}
		catch (IOException e) {
			// closing
		}
	}

	private static Thread daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	@Override
	public void close() {
		try {
			listener.close();
		}
		catch (IOException e) {
			// closing
		}
		cut();
	}
}
