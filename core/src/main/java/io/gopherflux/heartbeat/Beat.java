package io.gopherflux.heartbeat;

import java.util.Objects;

/**
 * One signal of a heartbeat stream: either a {@linkplain Pulse pulse}, which only says the
 * producer is alive, or a {@linkplain Value value}, which is a result of its work.
 * <p>
 * The book hands out two channels, one for pulses and one for results. Here both travel in one
 * {@code Flux<Beat<T>>} and share its demand, which keeps their order and lets a single
 * subscriber watch both. The two kinds are treated differently under backpressure: a value
 * waits until it is requested, while a pulse that finds no outstanding demand is dropped, never
 * queued, exactly as the book's {@code select} with a {@code default} case drops a pulse nobody
 * is ready to receive.
 *
 * @param <T> the type of the values
 */
public sealed interface Beat<T> permits Beat.Pulse, Beat.Value {

	/**
	 * The pulse: a beat that carries nothing. There is one instance.
	 *
	 * @param <T> the type of the values of the stream it travels in
	 * @return the pulse
	 */
	@SuppressWarnings("unchecked")
	static <T> Beat<T> pulse() {
		return (Beat<T>) Pulse.INSTANCE;
	}

	/**
	 * A beat carrying a result.
	 *
	 * @param value the result, not {@code null}
	 * @param <T>   the type of the value
	 * @return the beat
	 */
	static <T> Beat<T> value(T value) {
		return new Value<>(Objects.requireNonNull(value, "value"));
	}

	/** {@return whether this beat is the pulse} */
	default boolean isPulse() {
		return this instanceof Pulse;
	}

	/** {@return whether this beat carries a value} */
	default boolean isValue() {
		return this instanceof Value;
	}

	/**
	 * A sign of life that carries nothing; droppable.
	 *
	 * @param <T> the type of the values of the stream it travels in
	 */
	final class Pulse<T> implements Beat<T> {

		static final Pulse<?> INSTANCE = new Pulse<>();

		private Pulse() {
		}

		@Override
		public String toString() {
			return "pulse";
		}
	}

	/**
	 * A result; never dropped.
	 *
	 * @param value the result
	 * @param <T>   the type of the value
	 */
	record Value<T>(T value) implements Beat<T> {

		/**
		 * Rejects a {@code null} value.
		 *
		 * @param value the result, not {@code null}
		 * @throws NullPointerException if {@code value} is null
		 */
		public Value {
			Objects.requireNonNull(value, "value");
		}

		@Override
		public String toString() {
			return "value(" + value + ")";
		}
	}
}
