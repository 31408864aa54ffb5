package storelog.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DataTypeTest {

    @Test
    void wireCodesAreGoStoreLogs() {
        assertThat(DataType.fromCode(0)).isEqualTo(DataType.JSON);
        assertThat(DataType.fromCode(1)).isEqualTo(DataType.BYTES);
        assertThat(DataType.fromCode(2)).isEqualTo(DataType.STRING);
        assertThat(DataType.STRING.code()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 3, 255, Integer.MAX_VALUE})
    void unknownCodesAreRefused(int code) {
        assertThatThrownBy(() -> DataType.fromCode(code)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("data_type " + code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", "0", "-0.5e+10", "1E3", "\"text\"", "true", "false", "null",
            " {\"a\": [1, 2, {\"b\": null}], \"c\": \"\\u00e9\\n\"} ", "\"日本語 😀\"", "[[[[]]]]",
            "{\"a\":{\"b\":{}}}", "123456789012345678901234567890"})
    void wellFormedJsonIsAccepted(String json) {
        assertThatCode(() -> DataType.JSON.checkPayload(utf8(json))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "}", "[1,]", "{\"a\"}", "{\"a\":}", "{a:1}", "01", "1.", ".5", "-",
            "1e", "tru", "nul", "\"open", "\"bad \\x escape\"", "\"\\u12\"", "[1] 2", "{} {}", "'single'",
            "{\"a\":1,}", "NaN", "[\"tab\tinside\"]", "{\"a\" 1}", "[1 2]"})
    void malformedJsonIsRefusedWithItsPosition(String json) {
        assertThatThrownBy(() -> DataType.JSON.checkPayload(utf8(json)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("data_type 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\\ud800\"", "\"a\\udc00b\"", "[\"\\ude00\\ud83d\"]", "{\"k\":\"\\ud83dx\"}",
            "{\"\\udbff\":1}", "\"\\ud800\\u0041\"", "\"\\ud800\\"})
    void anEscapedLoneSurrogateIsNotText(String json) {
        assertThatThrownBy(() -> DataType.JSON.checkPayload(utf8(json))).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void anEscapedSurrogatePairIsOneCharacter() {
        assertThatCode(() -> DataType.JSON.checkPayload(utf8("[\"\\ud83d\\ude00\", \"\\uD83D\\uDE00\"]"))).doesNotThrowAnyException();
    }

    @Test
    void deeplyNestedJsonIsCheckedWithoutStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatCode(() -> DataType.JSON.checkPayload(utf8(deep))).doesNotThrowAnyException();
        assertThatThrownBy(() -> DataType.JSON.checkPayload(utf8("[".repeat(100_000))))
                .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void malformedUtf8IsRefusedForStringsAndJson() {
        byte[][] bad = {{(byte) 0xC3}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0x80}};
        for (byte[] bytes : bad) {
            assertThatThrownBy(() -> DataType.STRING.checkPayload(bytes)).isInstanceOf(InvalidRecordException.class);
            byte[] quoted = new byte[bytes.length + 2];
            quoted[0] = '"';
            System.arraycopy(bytes, 0, quoted, 1, bytes.length);
            quoted[quoted.length - 1] = '"';
            assertThatThrownBy(() -> DataType.JSON.checkPayload(quoted)).isInstanceOf(InvalidRecordException.class);
        }
    }

    @Test
    void anyBytesAreBytes() {
        assertThatCode(() -> DataType.BYTES.checkPayload(new byte[] {0, (byte) 0xFF, (byte) 0xC0})).doesNotThrowAnyException();
        assertThatCode(() -> DataType.STRING.checkPayload(utf8("plain, ünïcödé 😀"))).doesNotThrowAnyException();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
