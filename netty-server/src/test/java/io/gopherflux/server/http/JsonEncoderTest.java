package io.gopherflux.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class JsonEncoderTest {

	record Price(String symbol, long sequence, double price, List<String> tags) {
	}

	static final Price PRICE = new Price("ACME \"quoted\"\nline", 7, 12.5, List.of("a", "b"));

	private static String write(EventEncoder<Price> encoder, Price value) {
		ByteBuf out = Unpooled.buffer();
		try {
			encoder.writeJson(value, out);
			return out.toString(StandardCharsets.UTF_8);
		}
		finally {
			out.release();
		}
	}

	@Test
	void nullArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> Encoders.json((ObjectMapper) null)).withMessage("mapper");
		assertThatNullPointerException().isThrownBy(() -> Encoders.json((Class<Price>) null)).withMessage("type");
		assertThatNullPointerException().isThrownBy(() -> Encoders.<Price>json().withEventName(null)).withMessage("name");
		assertThatNullPointerException().isThrownBy(() -> Encoders.<Price>json().withEventId(null)).withMessage("id");
	}

	@Test
	void writesARecordOnOneLineIntoTheBatch() {
		assertThat(write(Encoders.json(), PRICE))
				.isEqualTo("{\"symbol\":\"ACME \\\"quoted\\\"\\nline\",\"sequence\":7,\"price\":12.5,\"tags\":[\"a\",\"b\"]}");
	}

	@Test
	void theDefaultMapperReadsPropertiesThroughBlackbirdWhenTheApplicationHasIt() {
		assertThat(Encoders.defaultMapper().getRegisteredModuleIds()).contains(Encoders.BLACKBIRD);
		assertThat(write(Encoders.json(Price.class), PRICE)).as("the same JSON as by reflection")
				.isEqualTo(write(JsonEncoder.of(new ObjectMapper(), Price.class), PRICE));
	}

	@Test
	void appendsToWhatTheBatchAlreadyHolds() {
		ByteBuf out = Unpooled.buffer();
		try {
			out.writeCharSequence("data: ", StandardCharsets.US_ASCII);
			Encoders.<Price>json().writeJson(PRICE, out);
			out.writeByte('\n');
			assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("data: {\"symbol\"").endsWith("]}\n");
		}
		finally {
			out.release();
		}
	}

	@Test
	void elementAfterElementIntoOneBatchWithoutSeparators() {
		JsonEncoder<Price> encoder = Encoders.json(Price.class);
		ByteBuf out = Unpooled.buffer();
		try {
			encoder.writeJson(new Price("A", 1, 1, List.of()), out);
			encoder.writeJson(new Price("B", 2, 2, List.of()), out);
			assertThat(out.toString(StandardCharsets.UTF_8))
					.isEqualTo("{\"symbol\":\"A\",\"sequence\":1,\"price\":1.0,\"tags\":[]}"
							+ "{\"symbol\":\"B\",\"sequence\":2,\"price\":2.0,\"tags\":[]}");
		}
		finally {
			out.release();
		}
	}

	@Test
	void aValueJacksonCannotWriteFailsAndTheNextIsWrittenWhole() {
		JsonEncoder<Object> encoder = Encoders.json();
		ByteBuf out = Unpooled.buffer();
		try {
			assertThatThrownBy(() -> encoder.writeJson(new Object(), out)).isInstanceOf(RuntimeException.class);
			out.clear();
			encoder.writeJson(List.of(1, 2), out);
			assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[1,2]");
		}
		finally {
			out.release();
		}
	}

	@Test
	void anIndentingMapperStillWritesOneLine() {
		ObjectMapper indenting = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

		assertThat(write(Encoders.json(indenting), PRICE)).doesNotContain("\n").startsWith("{\"symbol\":");
	}

	@Test
	void withoutNameOrIdEventsArePlainData() {
		JsonEncoder<Price> encoder = Encoders.json();

		assertThat(encoder.eventName(PRICE)).isNull();
		assertThat(encoder.eventId(PRICE)).isEqualTo(EventEncoder.NO_ID);
		assertThat(encoder.eventIdText(PRICE)).isNull();
	}

	@Test
	void nameAndIdAreFunctionsOfTheElement() {
		JsonEncoder<Price> plain = Encoders.json();
		JsonEncoder<Price> named = plain.withEventName(p -> "price").withEventId(p -> "s" + p.sequence());

		assertThat(named.eventName(PRICE)).isEqualTo("price".getBytes(StandardCharsets.US_ASCII));
		assertThat(named.eventIdText(PRICE)).isEqualTo("s7");
		assertThat(plain.eventName(PRICE)).as("immutable: the first encoder is unchanged").isNull();
	}

	@Test
	void sseFramesATextIdAndRefusesOneThatWouldEndTheField() {
		ByteBuf out = Unpooled.buffer();
		try {
			StreamFormat.SSE.begin(out, "price".getBytes(StandardCharsets.US_ASCII), "s7");
			assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("id: s7\nevent: price\ndata: ");
			out.clear();
			StreamFormat.NDJSON.begin(out, null, "s7");
			assertThat(out.readableBytes()).as("NDJSON has no place for an ID").isZero();
			assertThatIllegalArgumentException().isThrownBy(() -> StreamFormat.SSE.begin(out, null, "1\n2"))
					.withMessageContaining("line break");
		}
		finally {
			out.release();
		}
	}

	/** What the default writeEvent (begin, writeJson, end straight into the batch) gives. */
	private static String framedOneByOne(EventEncoder<Price> encoder, StreamFormat format, List<Price> values) {
		ByteBuf out = Unpooled.buffer();
		try {
			for (Price value : values) {
				format.begin(out, encoder.eventName(value), encoder.eventIdText(value));
				encoder.writeJson(value, out);
				format.end(out);
			}
			return out.toString(StandardCharsets.UTF_8);
		}
		finally {
			out.release();
		}
	}

	@Test
	void wholeEventsAreKeptBackUntilFinishAndThenFramedAsTheFormatFramesThem() {
		JsonEncoder<Price> encoder = Encoders.json(Price.class).withEventName(p -> p.sequence() == 2 ? null : "price")
				.withEventId(p -> p.sequence() == 3 ? null : "s" + p.sequence());
		List<Price> values = List.of(PRICE, new Price("B", 2, 2, List.of()), new Price("C", 3, 3, List.of("x")));
		for (StreamFormat format : StreamFormat.values()) {
			ByteBuf out = Unpooled.buffer();
			try {
				for (Price value : values) {
					encoder.writeEvent(value, format, out);
				}
				assertThat(out.readableBytes()).as("kept back until finish").isZero();
				encoder.finish(out);
				assertThat(out.toString(StandardCharsets.UTF_8)).as(format.name())
						.isEqualTo(framedOneByOne(encoder, format, values));
				encoder.finish(out);
				assertThat(out.toString(StandardCharsets.UTF_8)).as("a second finish writes nothing")
						.isEqualTo(framedOneByOne(encoder, format, values));
			}
			finally {
				out.release();
			}
		}
	}

	@Test
	void anEventForAnotherBatchFirstWritesWhatWasKeptBackIntoItsOwn() {
		JsonEncoder<Price> encoder = Encoders.json(Price.class);
		Price a = new Price("A", 1, 1, List.of());
		Price b = new Price("B", 2, 2, List.of());
		ByteBuf first = Unpooled.buffer();
		ByteBuf second = Unpooled.buffer();
		try {
			encoder.writeEvent(a, StreamFormat.NDJSON, first);
			encoder.writeEvent(b, StreamFormat.NDJSON, second);
			assertThat(first.toString(StandardCharsets.UTF_8)).isEqualTo("{\"symbol\":\"A\",\"sequence\":1,\"price\":1.0,\"tags\":[]}\n");
			assertThat(second.readableBytes()).isZero();
			encoder.finish(first);
			assertThat(second.readableBytes()).as("finishing another batch leaves this one's bytes kept back").isZero();
			encoder.finish(second);
			assertThat(second.toString(StandardCharsets.UTF_8)).isEqualTo("{\"symbol\":\"B\",\"sequence\":2,\"price\":2.0,\"tags\":[]}\n");
		}
		finally {
			first.release();
			second.release();
		}
	}

	@Test
	void anEventNameOrIdThatWouldEndItsFieldIsRefused() {
		ByteBuf out = Unpooled.buffer();
		try {
			JsonEncoder<Price> badName = Encoders.json(Price.class).withEventName(p -> "price\nid: 9");
			assertThatIllegalArgumentException().isThrownBy(() -> badName.writeEvent(PRICE, StreamFormat.SSE, out))
					.withMessageContaining("event name");
			assertThatIllegalArgumentException().isThrownBy(() -> badName.eventName(PRICE))
					.withMessageContaining("event name");
			JsonEncoder<Price> badId = Encoders.json(Price.class).withEventId(p -> p.sequence() == 7 ? "7\r" : null);
			assertThatIllegalArgumentException().isThrownBy(() -> badId.writeEvent(PRICE, StreamFormat.SSE, out))
					.withMessageContaining("event ID");
			badId.writeEvent(new Price("D", 4, 4, List.of()), StreamFormat.NDJSON, out);
			badId.finish(out);
			assertThat(out.toString(StandardCharsets.UTF_8)).as("nothing of the refused events, the next one whole")
					.isEqualTo("{\"symbol\":\"D\",\"sequence\":4,\"price\":4.0,\"tags\":[]}\n");
		}
		finally {
			out.release();
		}
	}
}
