package io.gopherflux.steward;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
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
 * <b>When the timeout runs</b>: the ward is asked to pulse at half the timeout, and it is asked
 * for no more beats than the steward's consumer has asked for and not yet received (the steward
 * prefetches nothing). The timeout runs only while such a request is outstanding at the ward
 * (see {@link Heartbeat#watchdog(String, Duration, reactor.core.scheduler.Scheduler)}): a ward
 * whose consumer is busy and asks for nothing is not restarted for its silence, nor is a ward
 * whose values wait for a slow consumer. One case runs on: a pulse of the steward itself may take
 * the last of the consumer's demand after the ward was asked, and a request cannot be withdrawn,
 * so a ward that then stays silent for a whole timeout is restarted even if the consumer has
 * turned to other work; it was silent while asked, which is what the book calls unhealthy.
 * <p>
 * <b>Restarts</b> follow the {@link RestartPolicy}, {@linkplain RestartPolicy#defaults(Duration)
 * paced by the timeout} unless configured otherwise, and always run on the configured
 * scheduler, never inside the old ward's terminal signal, so subscribing returns whatever the
 * ward does. Each restart is reported to {@link StewardMetrics}; the log gets one WARN line a
 * minute at most per subscription (with the count of restarts since the last one), the other
 * restarts and those of completed wards at DEBUG level. A configuration with
 * {@link StewardConfig#warnOnRestart()} false logs every restart, and giving up, at DEBUG level.
 * <p>
 * <b>Completion</b>: only if the policy does not restart a completed ward, when the ward
 * completes. <b>Errors</b>: a {@link StewardGaveUpException} when the policy's limit of restarts
 * is exceeded; the ward's own errors only cause restarts. <b>Cancellation</b>: cancels the
 * current ward, the timeout, any pending restart and the steward's pulses; a ward that fails as
 * it is cancelled is not reported.
 *
 * @param <T> the type of the ward's values
 */
public final class Steward<T> implements Ward<T> {

	private final StewardConfig config;
	private final Ward<T> ward;

	private Steward(StewardConfig config, Ward<T> ward) {
		this.config = config;
		this.ward = ward;
	}

	/**
	 * A steward for {@code ward} named {@code ward}, with the {@linkplain
	 * RestartPolicy#defaults(Duration) default restart policy} for {@code timeout}, timing on
	 * {@link reactor.core.scheduler.Schedulers#parallel()}.
	 *
	 * @param timeout how long the ward may be silent; positive
	 * @param ward    the ward to start and heal
	 * @param <T>     the type of the ward's values
	 * @return the steward
	 */
	public static <T> Steward<T> of(Duration timeout, Ward<T> ward) {
		return of(StewardConfig.of("ward", timeout), ward);
	}

	/**
	 * A steward for {@code ward}, configured by {@code config}.
	 *
	 * @param config how to watch and restart
	 * @param ward   the ward to start and heal
	 * @param <T>    the type of the ward's values
	 * @return the steward
	 */
	public static <T> Steward<T> of(StewardConfig config, Ward<T> ward) {
		Objects.requireNonNull(config, "config");
		Objects.requireNonNull(ward, "ward");
		return new Steward<>(config, ward);
	}

	/**
	 * How this steward watches its ward.
	 *
	 * @return its configuration
	 */
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
	 * resumed as completion); Bridge then subscribes the next, which applies the policy: the
	 * restart is a task on the scheduler, due the policy's delay after the previous start.
	 */
	static final class Watch<T> {

		static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

		final StewardConfig config;
		final Ward<T> ward;
		final RestartPolicy policy;
		final long windowNanos;
		// Restart times within the window; at most maxRestarts + 1 (or 64 when unlimited) are kept.
		final ArrayDeque<Long> restarts = new ArrayDeque<>();
		final int kept;
		// Looked up per subscription, so that a logger factory set after class loading applies.
		final Logger log = Loggers.getLogger(Steward.class);

		boolean started;
		long lastStart;
		RestartReason lastReason;
		Throwable lastCause;
		boolean warned;
		long lastWarning;
		int restartsSinceWarning;
		volatile boolean finished;

		Watch(StewardConfig config, Ward<T> ward) {
			this.config = config;
			this.ward = ward;
			this.policy = config.restartPolicy();
			this.windowNanos = RestartPolicy.saturatedNanos(policy.window());
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
			long now = now();
			while (!restarts.isEmpty() && now - restarts.peekFirst() >= windowNanos) {
				restarts.pollFirst();
			}
			if (restarts.size() >= policy.maxRestarts()) {
				StewardGaveUpException gaveUp = new StewardGaveUpException(config.name(), restarts.size(),
						policy.window(), lastReason, lastCause);
				if (config.warnOnRestart()) {
					log.warn(gaveUp.getMessage());
				}
				else if (log.isDebugEnabled()) {
					log.debug(gaveUp.getMessage());
				}
				return Flux.error(gaveUp);
			}
			if (restarts.size() == kept) {
				restarts.pollFirst();
			}
			restarts.addLast(now);
			config.metrics().restarted(config.name(), lastReason);
			Duration delay = policy.backoff(restarts.size(), config.random().nextDouble());
			long wait = Math.max(0, RestartPolicy.saturatedNanos(delay) - (now - lastStart));
			logRestart(now, wait);
			// Even a restart due now is a task: never a re-subscription inside the old ward's end.
			return Mono.delay(Duration.ofNanos(wait), config.scheduler()).thenMany(Flux.defer(this::run));
		}

		private Flux<T> run() {
			return Flux.defer(() -> {
						lastStart = now();
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

		// A missed heartbeat or an error is news, once a minute, unless the configuration keeps
		// restarts at debug level; metrics count every restart.
		private void logRestart(long now, long waitNanos) {
			restartsSinceWarning++;
			boolean news = config.warnOnRestart() && lastReason != RestartReason.WARD_COMPLETED;
			if (news && (!warned || now - lastWarning >= WARNING_INTERVAL_NANOS) && log.isWarnEnabled()) {
				String since = warned && restartsSinceWarning > 1
						? " (" + restartsSinceWarning + " restarts since the last warning)"
						: "";
				log.warn("steward: ward '{}' {}; restarting{}{}", config.name(), describe(lastReason), after(waitNanos), since);
				warned = true;
				lastWarning = now;
				restartsSinceWarning = 0;
			}
			else if (log.isDebugEnabled()) {
				log.debug("steward: ward '{}' {}; restarting{}", config.name(), describe(lastReason), after(waitNanos));
			}
		}

		private long now() {
			return config.scheduler().now(TimeUnit.NANOSECONDS);
		}

		private String describe(RestartReason reason) {
			return switch (reason) {
				case HEARTBEAT_TIMEOUT -> "unhealthy (no heartbeat within " + config.timeout() + ")";
				case WARD_ERROR -> "failed (" + lastCause + ")";
				case WARD_COMPLETED -> "completed";
			};
		}

		private static String after(long waitNanos) {
			return waitNanos == 0 ? "" : " in " + Duration.ofNanos(waitNanos);
		}
	}
}
