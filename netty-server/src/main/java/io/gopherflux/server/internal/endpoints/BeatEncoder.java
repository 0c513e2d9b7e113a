package io.gopherflux.server.internal.endpoints;

import io.gopherflux.heartbeat.Beat;
import io.gopherflux.server.http.EventEncoder;
import io.gopherflux.server.internal.http.Json;
import io.netty.buffer.ByteBuf;

/**
 * Beats as events: a pulse is {@code event: pulse} / {@code {"type":"pulse"}}, a value is encoded
 * by the value's own encoder (which names its event and writes its {@code "type"}).
 *
 * @param <T> the type of the values
 */
final class BeatEncoder<T> implements EventEncoder<Beat<T>> {

	static final byte[] PULSE = Json.ascii("pulse");
	private static final byte[] PULSE_JSON = Json.ascii("{\"type\":\"pulse\"}");

	private final EventEncoder<? super T> values;

	BeatEncoder(EventEncoder<? super T> values) {
		this.values = values;
	}

	@Override
	public byte[] eventName(Beat<T> beat) {
		return beat instanceof Beat.Value<T> value ? values.eventName(value.value()) : PULSE;
	}

	/** A value's ID is the value encoder's; pulses have none (a client resumes after the last value). */
	@Override
	public long eventId(Beat<T> beat) {
		return beat instanceof Beat.Value<T> value ? values.eventId(value.value()) : NO_ID;
	}

	@Override
	public String eventIdText(Beat<T> beat) {
		return beat instanceof Beat.Value<T> value ? values.eventIdText(value.value()) : null;
	}

	@Override
	public void writeJson(Beat<T> beat, ByteBuf out) {
		if (beat instanceof Beat.Value<T> value) {
			values.writeJson(value.value(), out);
		}
		else {
			out.writeBytes(PULSE_JSON);
		}
	}
}
