package io.gopherflux.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class WholeNumberEncoderTest {

	static final String PREFIX = "{\"type\":\"value\",\"value\":";

	static final List<Long> VALUES = List.of(0L, 7L, 42L, 999L, 12_345_678L, 100_000_000L, -1L, -100_000_001L,
			9_999_999_999_999_999L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1);

	/** The events as the interface's default frames them, one call per fragment, straight into a buffer. */
	private static String framedByTheDefault(EventEncoder<Long> encoder, StreamFormat format, List<Long> values) {
		EventEncoder<Long> reference = new EventEncoder<>() {
			@Override
			public byte[] eventName(Long value) {
				return encoder.eventName(value);
			}

			@Override
			public void writeJson(Long value, ByteBuf out) {
				encoder.writeJson(value, out);
			}

			@Override
			public long eventId(Long value) {
				return encoder.eventId(value);
			}
		};
		ByteBuf out = Unpooled.buffer();
		try {
			for (Long value : values) {
				reference.writeEvent(value, format, out);
			}
			return out.toString(StandardCharsets.US_ASCII);
		}
		finally {
			out.release();
		}
	}

	private static String written(ByteBuf out) {
		return out.toString(StandardCharsets.US_ASCII);
	}

	@Test
	void nullAndBadArgumentsAreRefusedByName() {
		assertThatNullPointerException().isThrownBy(() -> Encoders.wholeNumber("value", null, false))
				.withMessage("jsonPrefix");
		assertThatIllegalArgumentException().isThrownBy(() -> Encoders.wholeNumber("value\ndata: x", PREFIX, false))
				.withMessageContaining("event name");
		assertThatIllegalArgumentException().isThrownBy(() -> Encoders.wholeNumber(null, "x".repeat(WholeNumberEncoder.HELD_BYTES), false))
				.withMessageContaining("jsonPrefix");
	}

	@Test
	void aNullElementFailsWithNothingKeptBack() {
		EventEncoder<Long> encoder = Encoders.wholeNumber("value", PREFIX, true);
		ByteBuf out = Unpooled.buffer();
		try {
			assertThatNullPointerException().isThrownBy(() -> encoder.writeEvent(null, StreamFormat.SSE, out));
			encoder.finish(out);
			assertThat(out.readableBytes()).isZero();
		}
		finally {
			out.release();
		}
	}

	@Test
	void eventsAreKeptBackUntilFinishAndThenFramedAsTheDefaultFramesThem() {
		for (String name : new String[] {null, "value"}) {
			for (boolean numberIsId : new boolean[] {false, true}) {
				EventEncoder<Long> encoder = Encoders.wholeNumber(name, PREFIX, numberIsId);
				for (StreamFormat format : StreamFormat.values()) {
					ByteBuf out = Unpooled.buffer();
					try {
						for (Long value : VALUES) {
							encoder.writeEvent(value, format, out);
						}
						assertThat(out.readableBytes()).as("kept back until finish").isZero();
						encoder.finish(out);
						String expected = framedByTheDefault(encoder, format, VALUES);
						assertThat(written(out)).as("%s, name %s, ID %s", format, name, numberIsId).isEqualTo(expected);
						encoder.finish(out);
						assertThat(written(out)).as("a second finish writes nothing").isEqualTo(expected);
					}
					finally {
						out.release();
					}
				}
			}
		}
	}

	@Test
	void theSseFramingOfANamedEventWithItsNumberAsId() {
		EventEncoder<Long> encoder = Encoders.wholeNumber("value", "{\"value\":", true);
		ByteBuf out = Unpooled.buffer();
		try {
			encoder.writeEvent(-42L, StreamFormat.SSE, out);
			encoder.writeEvent(7L, StreamFormat.NDJSON, out);
			encoder.finish(out);
			assertThat(written(out)).isEqualTo("id: -42\nevent: value\ndata: {\"value\":-42}\n\n{\"value\":7}\n");
		}
		finally {
			out.release();
		}
	}

	@Test
	void aBatchLongerThanTheArrayGetsEveryEventInOrder() {
		EventEncoder<Long> encoder = Encoders.wholeNumber("value", PREFIX, true);
		SplittableRandom random = new SplittableRandom(11);
		List<Long> values = new ArrayList<>();
		for (int i = 0; i < 5_000; i++) {
			values.add(i % 3 == 0 ? random.nextLong() : (long) i);
		}
		for (StreamFormat format : StreamFormat.values()) {
			ByteBuf out = Unpooled.buffer();
			try {
				for (Long value : values) {
					encoder.writeEvent(value, format, out);
				}
				assertThat(out.readableBytes()).as("spilled into the batch as the array filled")
						.isGreaterThan(0).isLessThan(framedByTheDefault(encoder, format, values).length());
				encoder.finish(out);
				assertThat(written(out)).isEqualTo(framedByTheDefault(encoder, format, values));
			}
			finally {
				out.release();
			}
		}
	}

	@Test
	void anEventForAnotherBatchFirstWritesWhatWasKeptBackIntoItsOwn() {
		EventEncoder<Long> encoder = Encoders.wholeNumber(null, "{\"n\":", false);
		ByteBuf first = Unpooled.buffer();
		ByteBuf second = Unpooled.buffer();
		try {
			encoder.writeEvent(1L, StreamFormat.NDJSON, first);
			encoder.writeEvent(2L, StreamFormat.NDJSON, second);
			assertThat(written(first)).isEqualTo("{\"n\":1}\n");
			assertThat(second.readableBytes()).isZero();
			encoder.finish(first);
			assertThat(second.readableBytes()).as("finishing another batch leaves this one's bytes kept back").isZero();
			encoder.finish(second);
			assertThat(written(second)).isEqualTo("{\"n\":2}\n");
		}
		finally {
			first.release();
			second.release();
		}
	}

	@Test
	void twoEncodersWritingIntoOneBatchKeepTheirOrder() {
		EventEncoder<Long> values = Encoders.wholeNumber(null, "{\"n\":", false);
		EventEncoder<Long> beats = Encoders.wholeNumber("beat", "{\"beat\":", true);
		ByteBuf out = Unpooled.buffer();
		try {
			values.writeEvent(1L, StreamFormat.SSE, out);
			beats.writeEvent(2L, StreamFormat.SSE, out);
			values.writeEvent(3L, StreamFormat.SSE, out);
			beats.finish(out);
			String expected = "data: {\"n\":1}\n\nid: 2\nevent: beat\ndata: {\"beat\":2}\n\ndata: {\"n\":3}\n\n";
			assertThat(written(out)).as("either encoder finishes the batch").isEqualTo(expected);
			values.finish(out);
			assertThat(written(out)).as("nothing more was kept back").isEqualTo(expected);
		}
		finally {
			out.release();
		}
	}

	@Test
	void anEncoderHandingItsEventsToAWholeNumberEncoderFinishesThemWithTheDefaultFinish() {
		EventEncoder<Long> inner = Encoders.wholeNumber(null, "{\"n\":", false);
		EventEncoder<Long> outer = new EventEncoder<>() {
			@Override
			public byte[] eventName(Long value) {
				return null;
			}

			@Override
			public void writeJson(Long value, ByteBuf out) {
				inner.writeJson(value, out);
			}

			@Override
			public void writeEvent(Long value, StreamFormat format, ByteBuf out) {
				inner.writeEvent(value, format, out);
			}
		};
		ByteBuf out = Unpooled.buffer();
		try {
			outer.writeEvent(5L, StreamFormat.NDJSON, out);
			outer.finish(out);
			assertThat(written(out)).isEqualTo("{\"n\":5}\n");
		}
		finally {
			out.release();
		}
	}

	@Test
	void bytesKeptBackForABatchReleasedMeanwhileAreDropped() {
		EventEncoder<Long> encoder = Encoders.wholeNumber(null, "{\"n\":", false);
		ByteBuf cancelled = Unpooled.buffer();
		ByteBuf next = Unpooled.buffer();
		try {
			encoder.writeEvent(1L, StreamFormat.NDJSON, cancelled);
			cancelled.release();
			encoder.writeEvent(2L, StreamFormat.NDJSON, next);
			encoder.finish(next);
			assertThat(written(next)).isEqualTo("{\"n\":2}\n");
		}
		finally {
			next.release();
		}
	}

	@Test
	void writeJsonAfterKeptBackEventsKeepsTheOrder() {
		EventEncoder<Long> encoder = Encoders.wholeNumber(null, "{\"n\":", false);
		ByteBuf out = Unpooled.buffer();
		try {
			encoder.writeEvent(1L, StreamFormat.NDJSON, out);
			encoder.writeJson(2L, out);
			assertThat(written(out)).isEqualTo("{\"n\":1}\n{\"n\":2}");
		}
		finally {
			out.release();
		}
	}

	@Test
	void eachThreadKeepsItsOwnBytesBack() throws Exception {
		EventEncoder<Long> encoder = Encoders.wholeNumber(null, "{\"n\":", false);
		ByteBuf out = Unpooled.buffer();
		try {
			encoder.writeEvent(1L, StreamFormat.NDJSON, out);
			CompletableFuture.runAsync(() -> encoder.finish(out)).get();
			assertThat(out.readableBytes()).as("the other thread finished nothing of this thread's").isZero();
			encoder.finish(out);
			assertThat(written(out)).isEqualTo("{\"n\":1}\n");
		}
		finally {
			out.release();
		}
	}
}
