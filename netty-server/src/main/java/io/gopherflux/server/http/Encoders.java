package io.gopherflux.server.http;

import java.util.Objects;
import java.util.function.Function;

import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The encoders of stream elements.
 * <ul>
 * <li>{@link #wholeNumber}: an object ending in a whole number, written into an array of the
 * encoding thread and copied into the batch once it is full or finished, for the hottest streams
 * (the built-in integers);</li>
 * <li>{@link #json()}: any record or POJO, written by Jackson's streaming generator straight into
 * the write batch's {@code ByteBuf}, with the SSE event name and ID as functions of the element.
 * Jackson ({@code com.fasterxml.jackson.core:jackson-databind} 2.x) is an optional dependency of
 * the server: add it to use these (and {@code jackson-module-blackbird} for faster default
 * mappers).</li>
 * </ul>
 * Make an encoder once, where its route is registered, and share it between streams and threads:
 * a Jackson encoder keeps a generator per thread that encodes with it, for as long as it lives.
 */
public final class Encoders {

	static final String BLACKBIRD = "com.fasterxml.jackson.module.blackbird.BlackbirdModule";

	private Encoders() {
	}

	/**
	 * Events that are one JSON object ending in a whole number, e.g. <code>{"value":42}</code>.
	 *
	 * @param eventName  the SSE event name (ASCII, no line break), or null for plain data events
	 * @param jsonPrefix the object up to the number, ASCII
	 * @param numberIsId whether the number is also the event's ID (so a client resumes after it)
	 * @param <N>        the number type
	 * @return the encoder
	 * @throws IllegalArgumentException if the event name holds a line break or NUL
	 */
	public static <N extends Number> EventEncoder<N> wholeNumber(String eventName, String jsonPrefix,
			boolean numberIsId) {
		return EventEncoder.wholeNumber(eventName, jsonPrefix, numberIsId);
	}

	/**
	 * A plain {@link ObjectMapper}, with Jackson's Blackbird module when the application has it
	 * ({@code com.fasterxml.jackson.module:jackson-module-blackbird}): it reads properties through
	 * generated lambdas instead of reflection, which took about a tenth of a record's encoding time.
	 */
	static ObjectMapper defaultMapper() {
		ObjectMapper mapper = new ObjectMapper();
		try {
			Class<?> blackbird = Class.forName(BLACKBIRD, true, Encoders.class.getClassLoader());
			mapper.registerModule((Module) blackbird.getConstructor().newInstance());
		}
		catch (ReflectiveOperationException | LinkageError absent) {
			// Without it the mapper reads properties by reflection: the same JSON, a little slower.
		}
		return mapper;
	}

	/**
	 * Elements as JSON by a default {@link ObjectMapper} (records and POJOs, one line each), as
	 * plain data events without an ID; name and identify them with
	 * {@link JsonEncoder#withEventName(Function)} and {@link JsonEncoder#withEventId(Function)}.
	 *
	 * @param <T> the element type
	 * @return the encoder
	 */
	public static <T> JsonEncoder<T> json() {
		return JsonEncoder.of(defaultMapper(), null);
	}

	/**
	 * Elements of one type as JSON by a default {@link ObjectMapper}: its serializer is found
	 * once, not per element.
	 *
	 * @param type the element type
	 * @param <T>  the element type
	 * @return the encoder
	 */
	public static <T> JsonEncoder<T> json(Class<T> type) {
		return JsonEncoder.of(defaultMapper(), Objects.requireNonNull(type, "type"));
	}

	/**
	 * Elements as JSON by {@code mapper} (its modules, naming and inclusion rules; never indented).
	 *
	 * @param mapper the mapper
	 * @param <T>    the element type
	 * @return the encoder
	 */
	public static <T> JsonEncoder<T> json(ObjectMapper mapper) {
		return JsonEncoder.of(mapper, null);
	}
}
