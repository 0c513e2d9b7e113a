package io.gopherflux.samples.replicate;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.gopherflux.replicate.HedgeDelay;
import io.gopherflux.replicate.ReplicateConfig;
import io.gopherflux.replicate.Replicator;
import io.gopherflux.samples.Sample;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The book's replicated request over 10 handlers, each under a random load of 1 to 5 seconds
 * (seeded, so the run is repeatable): the first answer wins and the other handlers are cancelled.
 * Then the same loads hedged, one more handler every 0.7 s: fewer handlers start, at some cost in latency.
 */
public final class ReplicatedRequestsSample implements Sample {

	private static final int HANDLERS = 10;
	private static final long SEED = 29;

	@Override
	public String name() {
		return "replicated-requests";
	}

	@Override
	public String summary() {
		return "ch. 5 Replicated Requests: 10 handlers, first answer wins, then hedged";
	}

	@Override
	public Mono<Void> run(PrintStream out, Scheduler scheduler) {
		return Mono.defer(() -> {
			Random random = new Random(SEED);
			Duration[] load = new Duration[HANDLERS];
			for (int i = 0; i < HANDLERS; i++) {
				load[i] = Duration.ofSeconds(1 + random.nextInt(5));
			}
			ReplicateConfig all = ReplicateConfig.of(HANDLERS).withClock(scheduler);
			ReplicateConfig hedged = all.withHedgeDelay(HedgeDelay.fixed(Duration.ofMillis(700)));
			return Mono.fromRunnable(() -> out.println("-- all 10 at once"))
					.then(request(Replicator.of(all), load, out, scheduler))
					.then(Mono.fromRunnable(() -> out.println("-- hedged: one more handler every 0.7s")))
					.then(request(Replicator.of(hedged), load, out, scheduler));
		});
	}

	private static Mono<Void> request(Replicator replicator, Duration[] load, PrintStream out, Scheduler scheduler) {
		return Mono.defer(() -> {
			long start = scheduler.now(TimeUnit.MILLISECONDS);
			return replicator.<Integer>request(id -> doWork(id, load[id], start, out, scheduler))
					.doOnNext(id -> out.println("Received an answer from #" + id + " after "
							+ seconds(scheduler.now(TimeUnit.MILLISECONDS) - start)))
					.then();
		});
	}

	/** One handler: answers its id after its load, unless cancelled first. */
	private static Mono<Integer> doWork(int id, Duration load, long start, PrintStream out, Scheduler scheduler) {
		long started = scheduler.now(TimeUnit.MILLISECONDS);
		return Mono.delay(load, scheduler).thenReturn(id)
				.doOnNext(x -> out.println(id + " took " + seconds(load.toMillis()) + " (started at "
						+ seconds(started - start) + ")"))
				.doOnCancel(() -> out.println(id + " would have taken " + seconds(load.toMillis())
						+ "; cancelled after " + seconds(scheduler.now(TimeUnit.MILLISECONDS) - started)));
	}

	private static String seconds(long millis) {
		return millis % 1000 == 0 ? millis / 1000 + "s" : millis / 1000.0 + "s";
	}
}
