package io.gopherflux.samples.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.gopherflux.samples.Sample;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Queuing that pays, the book's {@code bufio} benchmark: the same bytes written to a file one
 * system call per byte, and in chunks of up to {@value #CHUNK} bytes gathered by Reactor's
 * {@code bufferTimeout} (a chunk leaves when full, or {@link #MAX_WAIT} after its first byte).
 * Prints the number of writes and the time each way took on the scheduler's clock.
 */
public final class ChunkedWritesSample implements Sample {

	static final int BYTES = 100_000;
	static final int CHUNK = 4096;
	static final Duration MAX_WAIT = Duration.ofSeconds(1);

	@Override
	public String name() {
		return "chunked-writes";
	}

	@Override
	public String summary() {
		return "Queuing that pays: one write per byte vs chunked writes (the bufio benchmark)";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		return Mono.usingWhen(
						Mono.fromCallable(() -> new Path[] {Files.createTempFile("unbuffered", ".bin"),
								Files.createTempFile("chunked", ".bin")}),
						files -> write(out, scheduler, "unbuffered", "1 byte", files[0], bytes -> bytes.map(List::of))
								.then(write(out, scheduler, "chunked", "up to " + CHUNK + " bytes", files[1],
										chunks(scheduler)))
								.then(Mono.fromCallable(() -> Arrays.equals(Files.readAllBytes(files[0]),
										Files.readAllBytes(files[1]))))
								.doOnNext(same -> out.println("same " + BYTES + " bytes in both files: " + same))
								.then(),
						files -> Mono.fromCallable(() -> Files.deleteIfExists(files[0]) & Files.deleteIfExists(files[1])))
				// blocking file I/O belongs on boundedElastic, not on the caller's scheduler
				.subscribeOn(Schedulers.boundedElastic());
	}

	/** Gathers bytes into chunks by size or time; backpressure-aware, so a timed chunk never overflows. */
	static Function<Flux<Byte>, Flux<List<Byte>>> chunks(Scheduler timer) {
		return bytes -> bytes.bufferTimeout(CHUNK, MAX_WAIT, timer, true);
	}

	private static Mono<Void> write(PrintStream out, Scheduler clock, String title, String size, Path file,
			Function<Flux<Byte>, Flux<List<Byte>>> batching) {
		return Mono.using(
				() -> FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
				channel -> Mono.defer(() -> {
					long start = clock.now(TimeUnit.MILLISECONDS);
					AtomicLong writes = new AtomicLong();
					return Flux.range(0, BYTES)
							.map(i -> (byte) i.intValue())
							.transform(batching)
							.doOnNext(chunk -> {
								writeFully(channel, chunk);
								writes.incrementAndGet();
							})
							.then(Mono.fromRunnable(() -> out.printf("%-11s %6d writes of %s in %d ms%n", title + ":",
									writes.get(), size, clock.now(TimeUnit.MILLISECONDS) - start)));
				}),
				channel -> close(channel));
	}

	private static void writeFully(FileChannel channel, List<Byte> chunk) {
		byte[] bytes = new byte[chunk.size()];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = chunk.get(i);
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		try {
			while (buffer.hasRemaining()) {
				channel.write(buffer);
			}
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static void close(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
