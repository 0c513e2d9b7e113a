package io.gopherflux.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;

/**
 * Elements written by Jackson's streaming generator straight into the write batch's
 * {@link ByteBuf} (no intermediate string or byte array), their SSE event name and ID functions of
 * the element. Immutable: {@link #withEventName} and {@link #withEventId} return a new encoder.
 * <pre>{@code
 * Encoders.<Price>json().withEventName(p -> "price").withEventId(p -> Long.toString(p.sequence()))
 * }</pre>
 *
 * @param <T> the element type
 */
public final class JsonEncoder<T> implements EventEncoder<T> {

	private final ObjectMapper mapper;
	private final ObjectWriter writer;
	private final Function<? super T, String> name;
	private final Function<? super T, String> id;

	private JsonEncoder(ObjectMapper mapper, Function<? super T, String> name, Function<? super T, String> id) {
		this.mapper = mapper;
		// One line per element: an indented object would end an SSE data field early.
		this.writer = mapper.writer().without(SerializationFeature.INDENT_OUTPUT);
		this.name = name;
		this.id = id;
	}

	static <T> JsonEncoder<T> of(ObjectMapper mapper) {
		return new JsonEncoder<>(Objects.requireNonNull(mapper, "mapper"), null, null);
	}

	/**
	 * The same encoder naming each event: the SSE {@code event:} field, and what an
	 * {@code EventSource} listener subscribes to.
	 *
	 * @param name the name of an element's event (ASCII, no line break), or null for a plain data event
	 * @return a new encoder
	 */
	public JsonEncoder<T> withEventName(Function<? super T, String> name) {
		return new JsonEncoder<>(mapper, Objects.requireNonNull(name, "name"), id);
	}

	/**
	 * The same encoder giving each event an ID, which a reconnecting {@code EventSource} sends back
	 * as {@code Last-Event-ID} (see the routes builder's {@code resumeAfter}).
	 *
	 * @param id the ID of an element's event (no line break or NUL), or null for none
	 * @return a new encoder
	 */
	public JsonEncoder<T> withEventId(Function<? super T, String> id) {
		return new JsonEncoder<>(mapper, name, Objects.requireNonNull(id, "id"));
	}

	@Override
	public byte[] eventName(T value) {
		String event = name == null ? null : name.apply(value);
		return event == null ? null : event.getBytes(StandardCharsets.US_ASCII);
	}

	@Override
	public String eventIdText(T value) {
		return id == null ? null : id.apply(value);
	}

	@Override
	public void writeJson(T value, ByteBuf out) {
		try (JsonGenerator generator = mapper.getFactory().createGenerator(
				(java.io.OutputStream) new ByteBufOutputStream(out), JsonEncoding.UTF8)) {
			writer.writeValue(generator, value);
		}
		catch (IOException e) {
			throw new UncheckedIOException("could not write " + value.getClass().getName() + " as JSON", e);
		}
	}
}
