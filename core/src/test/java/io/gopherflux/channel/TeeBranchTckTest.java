package io.gopherflux.channel;

import io.gopherflux.testing.PublisherTck;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Reactive Streams TCK for one branch of a {@link Tee}, the other branch being drained by an
 * unbounded subscriber (so the branch under test sets the pace). {@link TeeFirstBranchTckTest}
 * runs it for the first branch with the default policy (the other branch stops after 1,000
 * values, so the TCK's endless streams do not run on for it alone), and
 * {@link TeeSecondBranchTckTest} for the second branch with {@code CANCEL_BOTH}.
 * <p>
 * Skipped optional rule: 1.11 {@code optional_spec111_maySupportMultiSubscribe} (and the
 * multicast variants that depend on it), because a branch accepts one subscriber by design: a
 * second one is refused with an {@code IllegalStateException}, which rule 1.11 allows. The TCK
 * reports these as skipped. The {@code untested_*} rules are skipped by the TCK itself.
 */
abstract class TeeBranchTckTest extends PublisherTck<Long> {

	private final boolean first;
	private final Tee.WhenOneCancels policy;

	TeeBranchTckTest(boolean first, Tee.WhenOneCancels policy) {
		super(PublisherTck.environment(100, 1_000));
		this.first = first;
		this.policy = policy;
	}

	@Override
	public Publisher<Long> createPublisher(long elements) {
		Tee<Long> tee = Tee.split(Flux.generate(() -> 0L, (i, sink) -> {
			if (i < elements) {
				sink.next(i);
			}
			else {
				sink.complete();
			}
			return i + 1;
		}), policy);
		Flux<Long> other = first ? tee.second() : tee.first();
		(policy == Tee.WhenOneCancels.KEEP_OTHER ? other.take(1_000) : other).subscribe();
		return first ? tee.first() : tee.second();
	}

	@Override
	public Publisher<Long> createFailedPublisher() {
		Tee<Long> tee = Tee.split(Flux.error(new IllegalStateException("failed source")), policy);
		(first ? tee.second() : tee.first()).subscribe(v -> { }, e -> { });
		return first ? tee.first() : tee.second();
	}
}
