package io.gopherflux.samples.context;

import java.io.PrintStream;

import io.gopherflux.context.Preemptible;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A long calculation made preemptable by cutting it into chunks: it runs to the end once, then a
 * caller cancels it during the third chunk, and no fourth chunk starts.
 */
public final class PreemptibleSample implements Sample {

	private static final long N = 1_000_000;
	private static final int CHUNK = 100_000;

	@Override
	public String name() {
		return "preemptible";
	}

	@Override
	public String summary() {
		return "ch. 5 Timeouts and Cancellation: a long calculation preemptable between chunks";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		return Mono.defer(() -> sumOfSquares(out, null)
				.doOnNext(sum -> out.println("sum of squares of 1.." + N + " = " + sum))
				.then(Mono.fromRunnable(() -> {
					BaseSubscriber<Long> caller = new BaseSubscriber<>() {
						@Override
						protected void hookOnNext(Long sum) {
							out.println("unexpected result " + sum);
						}
					};
					sumOfSquares(out, caller).subscribe(caller);
					out.println("caller cancelled: " + caller.isDisposed());
				})));
	}

	/** State {sum, next}; when {@code caller} is given, it cancels during the third chunk. */
	private static Mono<Long> sumOfSquares(PrintStream out, BaseSubscriber<Long> caller) {
		int[] chunks = {0};
		return Preemptible.compute(() -> new long[] {0, 1}, s -> {
			chunks[0]++;
			for (int i = 0; i < CHUNK && s[1] <= N; i++, s[1]++) {
				s[0] += s[1] * s[1];
			}
			out.println("chunk " + chunks[0] + " done, summed up to " + (s[1] - 1));
			if (caller != null && chunks[0] == 3) {
				out.println("caller cancels");
				caller.dispose();
			}
			return s[1] > N;
		}, s -> s[0]);
	}
}
