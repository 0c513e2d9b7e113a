package io.gopherflux.server.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** A fast synchronous source shares the thread: the drain loop yields to its continuation executor. */
class FluxWriteBatchesTurnsTest {

	private static final FluxWriteBatches.Encoder<Integer> LINES =
			(value, out) -> out.writeCharSequence(value + "\n", StandardCharsets.US_ASCII);

	private final Queue<Runnable> tasks = new ArrayDeque<>();
	private final Executor loop = tasks::add;

	private static List<String> lines(List<ByteBuf> batches) {
		List<String> lines = new ArrayList<>();
		for (ByteBuf batch : batches) {
			for (String line : batch.toString(StandardCharsets.US_ASCII).split("\n")) {
				lines.add(line);
			}
			batch.release();
		}
		return lines;
	}

	@Test
	void aLongSynchronousStreamIsWrittenInTurnsOfTheContinuation() {
		List<ByteBuf> batches = new ArrayList<>();
		boolean[] completed = new boolean[1];
		new FluxWriteBatches<>(Flux.range(0, 1_000), LINES, UnpooledByteBufAllocator.DEFAULT, 10, loop, null, null)
				.subscribe(batches::add, e -> { }, () -> completed[0] = true);

		assertThat(batches).hasSize(FluxWriteBatches.BATCHES_PER_TURN);
		assertThat(tasks).hasSize(1);
		int turns = 1;
		while (!tasks.isEmpty()) {
			tasks.poll().run();
			turns++;
		}

		assertThat(completed[0]).isTrue();
		assertThat(turns).isEqualTo(100 / FluxWriteBatches.BATCHES_PER_TURN + 1);
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 1_000; i++) {
			expected.add(Integer.toString(i));
		}
		assertThat(lines(batches)).isEqualTo(expected);
	}

	@Test
	void aCancelBetweenTurnsReleasesEverythingAndStopsTheSource() {
		List<ByteBuf> batches = new ArrayList<>();
		int[] generated = new int[1];
		Flux<Integer> source = Flux.range(0, 1_000_000).doOnNext(i -> generated[0]++);
		Disposable subscription = new FluxWriteBatches<>(source, LINES, UnpooledByteBufAllocator.DEFAULT, 10, loop, null, null)
				.subscribe(batches::add);

		subscription.dispose();
		while (!tasks.isEmpty()) {
			tasks.poll().run();
		}

		assertThat(generated[0]).isEqualTo(FluxWriteBatches.BATCHES_PER_TURN * 10);
		assertThat(lines(batches)).hasSize(FluxWriteBatches.BATCHES_PER_TURN * 10);
	}

	@Test
	void aContinuationThatRefusesTheTaskMeansTheLoopCarriesOnInPlace() {
		Executor closed = task -> {
			throw new RejectedExecutionException("event loop shut down");
		};
		List<ByteBuf> batches = new ArrayList<>();
		boolean[] completed = new boolean[1];
		new FluxWriteBatches<>(Flux.range(0, 1_000), LINES, UnpooledByteBufAllocator.DEFAULT, 10, closed, null, null)
				.subscribe(batches::add, e -> { }, () -> completed[0] = true);

		assertThat(completed[0]).isTrue();
		assertThat(lines(batches)).hasSize(1_000);
	}

	@Test
	void withoutAContinuationTheLoopNeverYields() {
		List<ByteBuf> batches = new ArrayList<>();
		new FluxWriteBatches<>(Flux.range(0, 1_000), LINES, UnpooledByteBufAllocator.DEFAULT, 10)
				.subscribe(batches::add);

		assertThat(lines(batches)).hasSize(1_000);
	}
}
