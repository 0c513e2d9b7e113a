package io.gopherflux.server.internal.http;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

	@ParameterizedTest
	@ValueSource(longs = {0, 1, 7, 9, 10, 99, 100, 12345, -1, -9, -10, -12345, 99_999_999, 100_000_000, 100_000_001,
			-100_000_000, 1_234_567_890_123L, 9_999_999_999_999_999L, 10_000_000_000_000_000L, 10_000_000_000_000_001L,
			999_999_999_999_999_999L,
			1_000_000_000_000_000_000L, -1_000_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1})
	void writeLongWritesTheDecimalDigits(long value) {
		ByteBuf out = Unpooled.buffer(1);
		try {
			out.writeByte('[');
			Json.writeLong(out, value);
			out.writeByte(']');
			assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("[" + value + "]");
		}
		finally {
			out.release();
		}
	}

	@ParameterizedTest
	@ValueSource(longs = {0, 1, 9, 10, 99_999_999, 100_000_000, -1, -100_000_001, 9_999_999_999_999_999L,
			10_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1})
	void writeLongIntoAnArrayWritesTheDecimalDigitsAndReturnsTheIndexAfterThem(long value) {
		byte[] bytes = new byte[3 + Json.LONG_ROOM];
		bytes[2] = '[';
		int end = Json.writeLong(bytes, 3, value);
		bytes[end] = ']';
		assertThat(new String(bytes, 2, end - 1, StandardCharsets.US_ASCII)).isEqualTo("[" + value + "]");
	}

	@Test
	void writeLongIntoAnArrayRefusesLessRoomThanItMayNeed() {
		assertThatThrownBy(() -> Json.writeLong(new byte[Json.LONG_ROOM], 1, 5)).isInstanceOf(IndexOutOfBoundsException.class);
	}

	@Test
	void writeLongAgreesWithLongToStringAcrossTheRanges() {
		ByteBuf out = Unpooled.buffer(32);
		byte[] bytes = new byte[Json.LONG_ROOM];
		try {
			java.util.SplittableRandom random = new java.util.SplittableRandom(7);
			for (int i = 0; i < 400_000; i++) {
				long value = i < 100_000 ? i
						: i < 200_000 ? random.nextLong(100_000_000L)
						: i < 300_000 ? random.nextLong() >> random.nextInt(64)
						: (long) Math.pow(10, i % 19) + (i % 3) - 1;
				out.clear();
				Json.writeLong(out, value);
				String written = out.toString(StandardCharsets.US_ASCII);
				if (!written.equals(Long.toString(value))) {
					assertThat(written).as("value %d", value).isEqualTo(Long.toString(value));
				}
				int end = Json.writeLong(bytes, 0, value);
				if (!new String(bytes, 0, end, StandardCharsets.US_ASCII).equals(Long.toString(value))) {
					assertThat(new String(bytes, 0, end, StandardCharsets.US_ASCII)).as("into an array, value %d", value)
							.isEqualTo(Long.toString(value));
				}
			}
		}
		finally {
			out.release();
		}
	}

	@Test
	void writeLongFillsABufferToItsLastByte() {
		ByteBuf out = Unpooled.buffer(2, 12);
		try {
			out.writeByte('[');
			Json.writeLong(out, 1_234_567_890L);
			out.writeByte(']');
			assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("[1234567890]");
			assertThatThrownBy(() -> Json.writeLong(out, 5)).isInstanceOf(IndexOutOfBoundsException.class);
			out.capacity(12);
			out.writerIndex(10);
			Json.writeLong(out, 42);
			assertThat(out.writerIndex()).isEqualTo(12);
			assertThat(out.toString(10, 2, StandardCharsets.US_ASCII)).isEqualTo("42");
		}
		finally {
			out.release();
		}
	}

	@Test
	void writeLongAppendsAfterWhatIsThere() {
		ByteBuf out = Unpooled.buffer(4);
		try {
			for (long v = -3; v <= 3; v++) {
				Json.writeLong(out, v);
				out.writeByte(',');
			}
			assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("-3,-2,-1,0,1,2,3,");
		}
		finally {
			out.release();
		}
	}

	@Test
	void writeBytesCopiesEveryLengthAndOffsetExactlyIntoEveryKindOfBuffer() {
		byte[] source = new byte[Json.SHORT_RUN + 20];
		for (int i = 0; i < source.length; i++) {
			source[i] = (byte) (i * 7 + 3);
		}
		for (ByteBufAllocator allocator : List.of(UnpooledByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT,
				new AdaptiveByteBufAllocator())) {
			for (int offset = 0; offset < 3; offset++) {
				for (int length = 0; offset + length <= source.length; length++) {
					ByteBuf out = allocator.ioBuffer(1);
					try {
						out.writeByte('>');
						Json.writeBytes(out, source, offset, length);
						out.writeByte('<');

						byte[] expected = new byte[length + 2];
						expected[0] = '>';
						System.arraycopy(source, offset, expected, 1, length);
						expected[length + 1] = '<';
						assertThat(ByteBufUtil.getBytes(out)).as("%s, offset %d, length %d", allocator, offset, length)
								.isEqualTo(expected);
					}
					finally {
						out.release();
					}
				}
			}
		}
	}

	@Test
	void writeBytesRefusesARangeOutsideTheArray() {
		ByteBuf out = Unpooled.buffer();
		assertThatThrownBy(() -> Json.writeBytes(out, new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
		assertThat(out.writerIndex()).isZero();
	}

	@Test
	void stringsAreQuotedWithTheirSpecialCharactersEscaped() {
		assertThat(Json.write("plain")).isEqualTo("\"plain\"");
		assertThat(Json.write("")).isEqualTo("\"\"");
		assertThat(Json.write("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
		assertThat(Json.write("C:\\dir")).isEqualTo("\"C:\\\\dir\"");
		assertThat(Json.write("a\nb\rc\td")).isEqualTo("\"a\\nb\\rc\\td\"");
		assertThat(Json.write("\u0000\u0008\u000c\u001f")).isEqualTo("\"\\u0000\\u0008\\u000c\\u001f\"");
		// Line and paragraph separators are escaped for JavaScript's sake.
		assertThat(Json.write("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
	}

	@Test
	void otherCharactersAreKeptAsTheyAre() {
		assertThat(Json.write("/ é ü 漢 \uD83D\uDE00 \u007f")).isEqualTo("\"/ é ü 漢 \uD83D\uDE00 \u007f\"");
		assertThat(Json.write(new StringBuilder("sb"))).isEqualTo("\"sb\"");
	}

	@Test
	void scalarsAreWrittenAsJson() {
		assertThat(Json.write(null)).isEqualTo("null");
		assertThat(Json.write(true)).isEqualTo("true");
		assertThat(Json.write(false)).isEqualTo("false");
		assertThat(Json.write(42)).isEqualTo("42");
		assertThat(Json.write(-7L)).isEqualTo("-7");
		assertThat(Json.write(1.5)).isEqualTo("1.5");
		assertThat(Json.write(new BigDecimal("12.50"))).isEqualTo("12.50");
	}

	@Test
	void numbersJsonCannotHoldAreNull() {
		assertThat(Json.write(Double.NaN)).isEqualTo("null");
		assertThat(Json.write(Double.POSITIVE_INFINITY)).isEqualTo("null");
		assertThat(Json.write(Double.NEGATIVE_INFINITY)).isEqualTo("null");
		assertThat(Json.write(Float.NaN)).isEqualTo("null");
		assertThat(Json.write(Float.POSITIVE_INFINITY)).isEqualTo("null");
		assertThat(Json.write(Float.NEGATIVE_INFINITY)).isEqualTo("null");
	}

	@Test
	void mapsAndListsNestInIterationOrder() {
		Map<Object, Object> inner = new LinkedHashMap<>();
		inner.put("z", 1);
		inner.put(2, "two");
		Map<String, Object> outer = new LinkedHashMap<>();
		outer.put("list", List.of(1, "a", List.of()));
		outer.put("map", inner);
		outer.put("empty", Map.of());
		outer.put("null", null);

		assertThat(Json.write(outer))
				.isEqualTo("{\"list\":[1,\"a\",[]],\"map\":{\"z\":1,\"2\":\"two\"},\"empty\":{},\"null\":null}");
		assertThat(Json.write(Arrays.asList(null, true))).isEqualTo("[null,true]");
	}

	@Test
	void keysAreEscapedToo() {
		assertThat(Json.write(Map.of("a\"b", 1))).isEqualTo("{\"a\\\"b\":1}");
	}

	@Test
	void anythingElseIsItsTextQuoted() {
		assertThat(Json.write(Duration.ofSeconds(1))).isEqualTo("\"PT1S\"");
		assertThat(Json.write('x')).isEqualTo("\"x\"");
	}

	@Test
	void asciiConstantsAreWrittenAsTheyAre() {
		ByteBuf out = Unpooled.buffer();
		try {
			out.writeBytes(Json.ascii("data: "));
			assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("data: ");
		}
		finally {
			out.release();
		}
	}
}
