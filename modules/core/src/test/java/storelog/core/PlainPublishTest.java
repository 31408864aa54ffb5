package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.StoreLogException;

/** The publish body read without the parser: the same outcome as the parser's, or no outcome (the parser reads it). */
class PlainPublishTest {

    private final WireFormat wire = new WireFormat(WireFormat.DEFAULT_MAX_DEPTH);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** What a body gives: the message's fields and stored bytes, or the error's type, code and message. */
    private static String outcome(java.util.function.Supplier<WireFormat.PublishMessage> publish) {
        try {
            WireFormat.PublishMessage m = publish.get();
            return "ok " + m.partition().value() + " " + m.payload().type() + " "
                    + new String(m.payload().bytes(), StandardCharsets.ISO_8859_1);
        } catch (BadRequestException e) {
            return "bad " + e.code() + " " + e.getMessage();
        } catch (StoreLogException e) {
            return e.getClass().getSimpleName() + " " + e.getMessage();
        }
    }

    private void assertSameAsTheParser(byte[] body) {
        assertThat(outcome(() -> wire.publish(body))).as(new String(body, StandardCharsets.UTF_8))
                .isEqualTo(outcome(() -> wire.parsedPublish(body)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"data\":\"xxxxxxxx\",\"data_type\":0,\"partition_key\":\"p\"}",
            " {\r\n\t\"partition_key\" : \"p q/r\" ,\"data\" :\"a b\"} \n",
            "{\"data\":\"aGVsbG8=\",\"data_type\":1,\"partition_key\":\"bytes\"}",
            "{\"data\":\"text\",\"data_type\":2,\"partition_key\":\"s\",\"extra\":\"ignored\",\"n\":12}",
            "{\"data\":\"\",\"partition_key\":\"p\",\"data_type\":0,\"data_type\":2}",
            "{\"data\":\"first\",\"data\":\"second\",\"partition_key\":\"p\",\"partition_key\":\"q\"}",
            "{\"data\":\"x\",\"data_type\":7,\"partition_key\":\"p\"}",
            "{\"data\":\"not base64!\",\"data_type\":1,\"partition_key\":\"p\"}",
            "{\"data\":\"x\",\"partition_key\":\"__gaps\"}",
            "{\"data\":\"x\",\"data_type\":999999999,\"partition_key\":\"p\"}"})
    void theUsualShapeIsReadWithoutTheParserToTheSameOutcome(String body) {
        assertThat(PlainPublish.parse(utf8(body))).isNotNull();
        assertSameAsTheParser(utf8(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"data\":\"\\u0078\",\"partition_key\":\"p\"}",
            "{\"data\":\"é\",\"partition_key\":\"p\"}",
            "{\"data\":\"x\",\"partition_key\":\"日本\"}",
            "{\"data\":\"x\u007f\",\"partition_key\":\"p\"}",
            "{\"d\\u0061ta\":\"x\",\"partition_key\":\"p\"}",
            "{\"data\":{\"a\":1},\"partition_key\":\"p\"}",
            "{\"data\":12,\"partition_key\":\"p\"}",
            "{\"data\":\"x\",\"data_type\":\"0\",\"partition_key\":\"p\"}",
            "{\"data\":\"x\",\"data_type\":-1,\"partition_key\":\"p\"}",
            "{\"data\":\"x\",\"data_type\":01,\"partition_key\":\"p\"}",
            "{\"data\":\"x\",\"data_type\":1.0,\"partition_key\":\"p\"}",
            "{\"data\":\"x\",\"data_type\":1e0,\"partition_key\":\"p\"}",
            "{\"data\":\"x\",\"data_type\":1234567890,\"partition_key\":\"p\"}",
            "{\"data\":\"x\",\"partition_key\":\"p\",\"offset\":\"no\"}",
            "{\"data\":\"x\",\"partition_key\":\"p\",\"records\":[]}",
            "{\"data\":\"x\",\"partition_key\":\"p\",\"other\":[1]}",
            "{\"data\":\"x\",\"partition_key\":\"p\",\"other\":true}",
            "{\"data\":\"x\",\"partition_key\":\"p\"}x",
            "{\"data\":\"x\",\"partition_key\":\"p\"}{}",
            "{\"data\":\"x\",\"partition_key\":\"p\",}",
            "{\"data\":\"x\" \"partition_key\":\"p\"}",
            "{\"data\":\"x\",\"partition_key\":\"p\"",
            "{\"data\":\"x\",\"partition_key\":\"p",
            "{\"partition_key\":\"p\"}",
            "{\"data\":\"x\"}",
            "{}",
            "[]",
            "\uFEFF{\"data\":\"x\",\"partition_key\":\"p\"}",
            "{\"data\":\"tab\there\",\"partition_key\":\"p\"}",
            ""})
    void anythingElseIsLeftToTheParser(String body) {
        assertThat(PlainPublish.parse(utf8(body))).isNull();
        assertSameAsTheParser(utf8(body));
    }

    @Test
    void aBodyLongerThanTheLimitIsLeftToTheParser() {
        byte[] body = utf8("{\"data\":\"" + "x".repeat(PlainPublish.MAX_BYTES) + "\",\"partition_key\":\"p\"}");
        assertThat(PlainPublish.parse(body)).isNull();
        assertThat(wire.publish(body).payload().bytes()).hasSize(PlainPublish.MAX_BYTES + 2);
    }

    /** Bodies put together from pieces of the plain shape and of everything that leaves it: the same outcome as the parser's. */
    @Test
    void generatedBodiesHaveTheParsersOutcome() {
        String[] names = {"\"data\"", "\"partition_key\"", "\"data_type\"", "\"other\"", "\"offset\"", "\"d\\u0061ta\"", "\"\"", "data"};
        String[] values = {"\"x\"", "\"\"", "\"aGk=\"", "\"p q\"", "\"é\"", "\"a\\\"b\"", "\"__r\"", "0", "1", "2", "3", "07", "-1",
            "1.5", "2e1", "123456789", "1234567890", "true", "null", "{}", "[1]", "\"\t\"", "\"x", "x"};
        String[] spaces = {"", "", "", "", "", " ", "\n", "\r\n\t", " ", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "\u00a0"};
        SplittableRandom random = new SplittableRandom(11);
        int plain = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder body = new StringBuilder(pick(random, spaces)).append('{');
            List<String> parts = new ArrayList<>();
            for (String usual : new String[] {"\"data\"", "\"partition_key\"", "\"data_type\""}) {
                if (random.nextInt(5) != 0) {
                    parts.add(field(random, usual, spaces, values));
                }
            }
            for (int f = random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0; f > 0; f--) {
                parts.add(field(random, pick(random, names), spaces, values));
            }
            java.util.Collections.shuffle(parts, new java.util.Random(random.nextLong()));
            body.append(String.join(random.nextInt(50) == 0 ? ";" : ",", parts)).append(random.nextInt(50) == 0 ? "" : "}");
            body.append(random.nextInt(50) == 0 ? "x" : pick(random, spaces));
            byte[] bytes = utf8(body.toString());
            plain += PlainPublish.parse(bytes) == null ? 0 : 1;
            assertSameAsTheParser(bytes);
        }
        assertThat(plain).as("bodies of the plain shape among those generated").isGreaterThan(200);
    }

    /** A field, mostly of a value the plain shape takes. */
    private static String field(SplittableRandom random, String name, String[] spaces, String[] values) {
        String value = random.nextBoolean() ? pick(random, values) : pick(random, new String[] {"\"x\"", "\"p q\"", "\"aGk=\"", "0", "1", "2"});
        return pick(random, spaces) + name + pick(random, spaces) + (random.nextInt(50) == 0 ? "" : ":") + pick(random, spaces) + value
                + pick(random, spaces);
    }

    private static String pick(SplittableRandom random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
