package io.gopherflux.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.DefaultSerializerProvider;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.gopherflux.server.internal.http.Json;

/**
 * Elements written by Jackson's streaming generator straight into the write batch's
 * {@link ByteBuf} (no intermediate string or byte array), their SSE event name and ID functions of
 * the element. Immutable: {@link #withEventName} and {@link #withEventId} return a new encoder.
 * <pre>{@code
 * Encoders.json(Price.class).withEventName(p -> "price").withEventId(p -> Long.toString(p.sequence()))
 * }</pre>
 * Each thread that encodes keeps one generator per encoder, pointed at the batch being written,
 * and the serializer of the element class it last saw, so an element costs its serialization only:
 * no generator, provider or serializer lookup per element. Whole events ({@link #writeEvent}) are
 * framed by the same generator and stay in its buffer until {@link #finish}: one copy into the
 * batch per batch, not one per element.
 *
 * @param <T> the element type
 */
public final class JsonEncoder<T> implements EventEncoder<T> {

	private static final SerializedString ID_FIELD = new SerializedString(StreamFormat.ID_FIELD);
	private static final SerializedString EVENT_FIELD = new SerializedString(StreamFormat.EVENT_FIELD);
	private static final SerializedString DATA_FIELD = new SerializedString(StreamFormat.DATA_FIELD);
	private static final SerializedString END_SSE_EVENT = new SerializedString(StreamFormat.END_SSE_EVENT);

	private final ObjectMapper mapper;
	private final Class<T> type;
	private final ObjectWriter writer;
	private final Function<? super T, String> name;
	private final Function<? super T, String> id;
	private final FastThreadLocal<Target> targets;

	private JsonEncoder(ObjectMapper mapper, Class<T> type, Function<? super T, String> name,
			Function<? super T, String> id) {
		this.mapper = mapper;
		this.type = type;
		// One line per element: an indented object would end an SSE data field early.
		ObjectWriter untyped = mapper.writer().without(SerializationFeature.INDENT_OUTPUT);
		this.writer = type == null ? untyped : untyped.forType(type);
		this.name = name;
		this.id = id;
		// Netty's thread-local: an indexed slot on the event loops that encode, not a hash lookup.
		this.targets = new FastThreadLocal<>() {
			@Override
			protected Target initialValue() {
				return newTarget();
			}
		};
	}

	static <T> JsonEncoder<T> of(ObjectMapper mapper, Class<T> type) {
		return new JsonEncoder<>(Objects.requireNonNull(mapper, "mapper"), type, null, null);
	}

	/**
	 * The same encoder naming each event: the SSE {@code event:} field, and what an
	 * {@code EventSource} listener subscribes to.
	 *
	 * @param name the name of an element's event (ASCII, no line break), or null for a plain data event
	 * @return a new encoder
	 */
	public JsonEncoder<T> withEventName(Function<? super T, String> name) {
		return new JsonEncoder<>(mapper, type, Objects.requireNonNull(name, "name"), id);
	}

	/**
	 * The same encoder giving each event an ID, which a reconnecting {@code EventSource} sends back
	 * as {@code Last-Event-ID} (see the routes builder's {@code resumeAfter}).
	 *
	 * @param id the ID of an element's event (no line break or NUL), or null for none
	 * @return a new encoder
	 */
	public JsonEncoder<T> withEventId(Function<? super T, String> id) {
		return new JsonEncoder<>(mapper, type, name, Objects.requireNonNull(id, "id"));
	}

	@Override
	public byte[] eventName(T value) {
		return name == null ? null : targets.get().name(name.apply(value)).bytes;
	}

	@Override
	public String eventIdText(T value) {
		return id == null ? null : id.apply(value);
	}

	@Override
	public void writeJson(T value, ByteBuf out) {
		Target target = targets.get();
		target.switchTo(out);
		try {
			serialize(target, value);
			target.generator.flush();
			target.out = null;
		}
		catch (IOException | RuntimeException e) {
			throw failed(value, e);
		}
	}

	@Override
	public void writeEvent(T value, StreamFormat format, ByteBuf out) {
		Target target = targets.get();
		target.switchTo(out);
		JsonGenerator generator = target.generator;
		try {
			if (format == StreamFormat.SSE) {
				String eventId = eventIdText(value);
				if (eventId != null) {
					StreamFormat.checkEventId(eventId);
					generator.writeRaw(ID_FIELD);
					generator.writeRaw(eventId);
					generator.writeRaw('\n');
				}
				Name event = name == null ? null : target.name(name.apply(value));
				if (event != null && event.raw != null) {
					generator.writeRaw(EVENT_FIELD);
					generator.writeRaw(event.raw);
					generator.writeRaw('\n');
				}
				generator.writeRaw(DATA_FIELD);
				serialize(target, value);
				generator.writeRaw(END_SSE_EVENT);
			}
			else {
				serialize(target, value);
				generator.writeRaw('\n');
			}
		}
		catch (IOException | RuntimeException e) {
			throw failed(value, e);
		}
	}

	@Override
	public void finish(ByteBuf out) {
		Target target = targets.getIfExists();
		if (target != null && target.out == out) {
			target.writeOut();
		}
	}

	private void serialize(Target target, T value) throws IOException {
		if (value == null) {
			target.generator.writeNull();
		}
		else {
			target.serializer(value.getClass()).serialize(value, target.generator, target.provider);
		}
	}

	/**
	 * Drops this thread's generator, which may hold half an element (the next one gets a fresh
	 * one), and what it held back with it: the stream fails, and its batch is released unsent.
	 */
	private RuntimeException failed(T value, Exception e) {
		targets.remove();
		if (e instanceof IOException io) {
			return new UncheckedIOException("could not write " + value.getClass().getName() + " as JSON", io);
		}
		return (RuntimeException) e;
	}

	private Target newTarget() {
		Target target = new Target();
		try {
			target.generator = mapper.getFactory().createGenerator(target, JsonEncoding.UTF8);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		// Elements are separate documents: no space between them, and never indented.
		target.generator.setRootValueSeparator(null);
		target.generator.setPrettyPrinter(null);
		// The writer's configuration (features, views, inclusion) in a provider of this thread's own.
		target.provider = ((DefaultSerializerProvider) mapper.getSerializerProviderInstance())
				.createInstance(writer.getConfig(), mapper.getSerializerFactory());
		return target;
	}

	/**
	 * The batch a thread's generator writes into, with the serializers found for this thread (one
	 * lookup per element class, not one per element) and the last event name seen.
	 */
	private final class Target extends OutputStream {

		/** The batch the generator's buffered bytes belong to, until they are flushed into it. */
		ByteBuf out;
		JsonGenerator generator;
		SerializerProvider provider;
		Class<?> lastClass;
		JsonSerializer<Object> lastSerializer;
		Name lastName = Name.NONE;

		/**
		 * Points the generator at {@code batch}. Bytes still held for another batch go there first:
		 * it has not been sent, since a stream finishes its batch on this thread before sending it.
		 */
		void switchTo(ByteBuf batch) {
			if (out != batch) {
				writeOut();
				out = batch;
			}
		}

		/** Writes the generator's buffered bytes into their batch. */
		void writeOut() {
			if (out != null) {
				try {
					generator.flush();
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
				finally {
					out = null;
				}
			}
		}

		/** The event name {@code text}, checked and kept while the elements keep naming it. */
		Name name(String text) {
			Name last = lastName;
			if (text == last.text || (text != null && text.equals(last.text))) {
				return last;
			}
			if (text != null) {
				StreamFormat.checkField("event name", text);
			}
			return lastName = new Name(text);
		}

		JsonSerializer<Object> serializer(Class<?> valueClass) throws IOException {
			if (valueClass != lastClass) {
				lastSerializer = provider.findTypedValueSerializer(type != null ? type : valueClass, true, null);
				lastClass = valueClass;
			}
			return lastSerializer;
		}

		@Override
		public void write(int b) {
			out.writeByte(b);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
			Json.writeBytes(out, bytes, offset, length);
		}
	}

	/** An event name, its UTF-8 bytes and its raw form for the generator; all null for none. */
	private record Name(String text, byte[] bytes, SerializedString raw) {

		static final Name NONE = new Name(null);

		Name(String text) {
			this(text, text == null ? null : text.getBytes(StandardCharsets.UTF_8),
					text == null ? null : new SerializedString(text));
		}
	}
}
