package io.gopherflux.steward;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.gopherflux.channel.Bridge;
import io.gopherflux.heartbeat.Beat;
import io.gopherflux.heartbeat.Heartbeat;
import io.gopherflux.heartbeat.HeartbeatTimeoutException;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Heals a ward whose heartbeat goes silent: starts it, watches its beats, and when no beat comes
 * within the timeout cancels it and starts a new one; a ward that fails or completes is
 * restarted too, as the {@link RestartPolicy} says. The book's {@code newSteward}.
 * <p>
 * {@link #start(Duration)} emits the steward's own beats: its pulses, every
 * {@code pulseInterval} (dropped when not requested), and the values of every ward it started,
 * in order, as one uninterrupted stream ({@link Bridge} joins the wards' values across
 * restarts; values the ward emits again after a restart are emitted again). A steward is a
 * {@link Ward}, so a steward can watch a steward.
 * <p>
 * The ward is asked to pulse at half the timeout. The timeout runs only while the steward's
 * consumer is waiting for a value (see {@link Heartbeat#watchdog(String, Duration,
 * reactor.core.scheduler.Scheduler)}): a ward whose values wait for a slow consumer is not
 * restarted for it.
 * <p>
 * <b>Completion</b>: only if the policy does not restart a completed ward, when the ward
 * completes. <b>Errors</b>: a {@link StewardGaveUpException} when the policy's limit of restarts
 * is exceeded; the ward's own errors only cause restarts. <b>Cancellation</b>: cancels the
 * current ward, the timeout, any pending backoff and the steward's pulses.
 *
 * @param <T> the type of the ward's values
 */
public final class Steward<T> implements Ward<T> {

	private static final Logger LOG = Loggers.getLogger(Steward.class);

	private final StewardConfig config;
	private final Ward<T> ward;

	private Steward(StewardConfig config, Ward<T> ward) {
		this.config = config;
		this.ward = ward;
	}

	/**
	 * A steward for {@code ward} named {@code ward}, restarting it at once and without limit,
	 * timing on {@link reactor.core.scheduler.Schedulers#parallel()}.
	 *
	 * @param timeout how long the ward may be silent; positive
	 * @param ward    the ward to start and heal
	 */
	public static <T> Steward<T> of(Duration timeout, Ward<T> ward) {
		return of(StewardConfig.of("ward", timeout), ward);
	}

	/**
	 * A steward for {@code ward}, configured by {@code config}.
	 *
	 * @param config how to watch and restart
	 * @param ward   the ward to start and heal
	 */
	public static <T> Steward<T> of(StewardConfig config, Ward<T> ward) {
		Objects.requireNonNull(config, "config");
		Objects.requireNonNull(ward, "ward");
		return new Steward<>(config, ward);
	}

	/** How this steward watches its ward. */
	public StewardConfig config() {
		return config;
	}

	/**
	 * Starts the ward and watches it, for as long as the returned Flux is subscribed (each
	 * subscription has its own ward and restart count).
	 *
	 * @param pulseInterval how often the steward itself pulses; positive
	 * @return the steward's pulses and the wards' values
	 */
	@Override
	public Flux<Beat<T>> start(Duration pulseInterval) {
		Objects.requireNonNull(pulseInterval, "pulseInterval");
		if (pulseInterval.isNegative() || pulseInterval.isZero()) {
			throw new IllegalArgumentException("pulseInterval must be positive, was " + pulseInterval);
		}
		return Flux.defer(() -> {
			Watch<T> watch = new Watch<>(config, ward);
			return Heartbeat.interval(Bridge.of(Flux.generate(watch::next)), pulseInterval, config.scheduler());
		});
	}

	/*
	 * One subscription's watch. Its wards run one after the other: Bridge subscribes a ward's
	 * Flux only after the previous one has completed, so the fields below are only touched by
	 * one ward's lifecycle at a time, with Bridge's atomics ordering one after the next.
	 * A ward's Flux completes when the ward must be replaced (its timeout, error or completion
	 * resumed as completion); Bridge then subscribes the next, which applies the policy.
	 */
	static final class Watch<T> {

		final StewardConfig config;
		final Ward<T> ward;
		final RestartPolicy policy;
		final long windowNanos;
		// Restart times within the window; at most maxRestarts + 1 (or 64 when unlimited) are kept.
		final ArrayDeque<Long> restarts = new ArrayDeque<>();
		final int kept;

		boolean started;
		RestartReason lastReason;
		Throwable lastCause;
		volatile boolean finished;

		Watch(StewardConfig config, Ward<T> ward) {
			this.config = config;
			this.ward = ward;
			this.policy = config.restartPolicy();
			this.windowNanos = policy.window().toNanos();
			this.kept = policy.maxRestarts() == RestartPolicy.UNLIMITED ? 64 : policy.maxRestarts() + 1;
		}

		void next(SynchronousSink<Publisher<T>> sink) {
			if (finished) {
				sink.complete();
			}
			else {
				sink.next(Flux.defer(this::nextWard));
			}
		}

		private Publisher<T> nextWard() {
			if (finished) {
				return Flux.empty();
			}
			if (!started) {
				started = true;
				return run();
			}
			long now = config.scheduler().now(TimeUnit.NANOSECONDS);
			while (!restarts.isEmpty() && now - restarts.peekFirst() >= windowNanos) {
				restarts.pollFirst();
			}
			if (restarts.size() >= policy.maxRestarts()) {
				StewardGaveUpException gaveUp = new StewardGaveUpException(config.name(), restarts.size(),
						policy.window(), lastReason, lastCause);
				if (config.warnOnRestart()) {
					LOG.warn(gaveUp.getMessage());
				}
				else if (LOG.isDebugEnabled()) {
					LOG.debug(gaveUp.getMessage());
				}
				return Flux.error(gaveUp);
			}
			if (restarts.size() == kept) {
				restarts.pollFirst();
			}
			restarts.addLast(now);
			config.metrics().restarted(config.name(), lastReason);
			Duration delay = policy.backoff(restarts.size(), ThreadLocalRandom.current().nextDouble());
			// A missed heartbeat or an error is news; a completed ward restarting is routine.
			if (lastReason == RestartReason.WARD_COMPLETED) {
				if (LOG.isDebugEnabled()) {
					LOG.debug("steward: ward '{}' completed; restarting{}", config.name(), after(delay));
				}
			}
			else if (config.warnOnRestart()) {
				LOG.warn("steward: ward '{}' {}; restarting{}", config.name(), describe(lastReason), after(delay));
			}
			else if (LOG.isDebugEnabled()) {
				LOG.debug("steward: ward '{}' {}; restarting{}", config.name(), describe(lastReason), after(delay));
			}
			if (delay.isZero()) {
				return run();
			}
			return Mono.delay(delay, config.scheduler()).thenMany(Flux.defer(this::run));
		}

		private Flux<T> run() {
			return Flux.defer(() -> {
						config.metrics().wardStarted(config.name());
						return Flux.from(ward.start(config.wardPulseInterval()));
					})
					.transform(Heartbeat.watchdog(config.name(), config.timeout(), config.scheduler()))
					.transform(Heartbeat.<T>values())
					.doOnComplete(this::completed)
					.onErrorResume(this::failed)
					.doFinally(signal -> config.metrics().wardStopped(config.name()));
		}

		private void completed() {
			lastReason = RestartReason.WARD_COMPLETED;
			lastCause = null;
			if (!policy.restartOnCompletion()) {
				finished = true;
			}
		}

		private Mono<T> failed(Throwable error) {
			if (error instanceof HeartbeatTimeoutException) {
				lastReason = RestartReason.HEARTBEAT_TIMEOUT;
				config.metrics().heartbeatMissed(config.name());
			}
			else {
				lastReason = RestartReason.WARD_ERROR;
			}
			lastCause = error;
			return Mono.empty();
		}

		private String describe(RestartReason reason) {
			return reason == RestartReason.HEARTBEAT_TIMEOUT
					? "unhealthy (no heartbeat within " + config.timeout() + ")"
					: "failed (" + lastCause + ")";
		}

		private static String after(Duration delay) {
			return delay.isZero() ? "" : " in " + delay;
		}
	}
}
