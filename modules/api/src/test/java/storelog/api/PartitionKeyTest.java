package storelog.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PartitionKeyTest {

    static List<String> hostileKeys() {
        return List.of("../x", "a/b", ".", "..", "...", "\0", "a\0b", "\\", "..\\..\\x", "/", "/etc/passwd",
                "Orders", "orders", "ORDERS", "oRdErS", "%2e", "%", "a%2fb", "+", "x+", "con", "CON", "nul", "Nul",
                "com1", "lpt9", " ", "trailing.", "trailing ", "ümlaut", "ÜMLAUT", "日本語", "😀", "a:b", "a*b?c",
                "__gaps", "-", "_", "\n", "\t\r", "x".repeat(255), "é".repeat(127), "😀".repeat(63),
                "/".repeat(255), "A".repeat(255), ".".repeat(201));
    }

    @ParameterizedTest
    @MethodSource("hostileKeys")
    void everyKeyRoundTripsThroughItsDirectoryPath(String raw) {
        PartitionKey key = PartitionKey.of(raw);

        List<String> levels = key.relativePath();

        assertThat(PartitionKey.fromRelativePath(levels)).contains(key);
        for (String level : levels) {
            assertThat(level).hasSizeLessThanOrEqualTo(PartitionKey.CHUNK + 1)
                    .matches("[a-z0-9_%+-]+")
                    .isNotIn(".", "..");
        }
    }

    @ParameterizedTest
    @MethodSource("hostileKeys")
    void noKeyLeavesTheDataDirectory(String raw) {
        Path dataDir = Path.of("/srv/storelog/data");

        Path dir = PartitionKey.of(raw).directoryIn(dataDir).normalize();

        assertThat(dir).startsWithRaw(dataDir).isNotEqualTo(dataDir);
    }

    @Test
    void distinctKeysNeverShareADirectoryEvenIgnoringCase() {
        Set<String> seen = new HashSet<>();
        for (String raw : hostileKeys()) {
            String path = String.join("/", PartitionKey.of(raw).relativePath()).toLowerCase(Locale.ROOT);
            assertThat(seen.add(path)).as("directory of %s is unique", raw).isTrue();
        }
    }

    @Test
    void plainKeysKeepReadableNames() {
        assertThat(PartitionKey.of("orders-2024_eu").relativePath()).containsExactly("orders-2024_eu");
        assertThat(PartitionKey.of("Orders").relativePath()).containsExactly("%4frders");
        assertThat(PartitionKey.of("con").relativePath()).containsExactly("%63on");
    }

    @Test
    void longEncodingsNestInContinuationLevels() {
        List<String> levels = PartitionKey.of("/".repeat(255)).relativePath();

        assertThat(levels).hasSize(4);
        assertThat(levels.subList(0, 3)).allMatch(PartitionKey::isContinuation);
        assertThat(PartitionKey.isContinuation(levels.get(3))).isFalse();
    }

    @Test
    void foreignOrNonCanonicalDirectoriesAreNoKey() {
        for (String name : List.of(".", "..", "%61", "%2E", "A", "abc%", "%zz", "x+", "", "%ff")) {
            assertThat(PartitionKey.fromRelativePath(List.of(name))).as(name).isEmpty();
        }
        assertThat(PartitionKey.fromRelativePath(List.of())).isEmpty();
        assertThat(PartitionKey.fromRelativePath(List.of("a", "b"))).isEmpty();
    }

    @Test
    void emptyKeyIsRefused() {
        assertThatThrownBy(() -> PartitionKey.of("")).isInstanceOf(InvalidPartitionKeyException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> PartitionKey.of(null)).isInstanceOf(InvalidPartitionKeyException.class);
    }

    @Test
    void keyLongerThan255Utf8BytesIsRefused() {
        assertThat(PartitionKey.of("é".repeat(127)).value().getBytes(StandardCharsets.UTF_8)).hasSize(254);
        assertThatThrownBy(() -> PartitionKey.of("é".repeat(128)))
                .isInstanceOf(InvalidPartitionKeyException.class).hasMessageContaining("256 bytes");
        assertThatThrownBy(() -> PartitionKey.of("x".repeat(256))).isInstanceOf(InvalidPartitionKeyException.class);
    }

    @Test
    void loneSurrogateIsRefused() {
        assertThatThrownBy(() -> PartitionKey.of("a\uD800b")).isInstanceOf(InvalidPartitionKeyException.class)
                .hasMessageContaining("Unicode");
    }

    @Test
    void reservedPrefixIsRecognised() {
        assertThat(PartitionKey.of("__gaps").isReserved()).isTrue();
        assertThat(PartitionKey.of("_gaps").isReserved()).isFalse();
        assertThat(PartitionKey.of("gaps__").isReserved()).isFalse();
    }

    @Test
    void toStringEscapesControlCharacters() {
        assertThat(PartitionKey.of("a\0b\n").toString()).isEqualTo("\"a\\u0000b\\u000a\"");
    }

    @Test
    void everySingleByteKeyRoundTrips() {
        List<String> failures = new ArrayList<>();
        for (int c = 0; c < 0x80; c++) {
            PartitionKey key = PartitionKey.of(String.valueOf((char) c));
            if (!PartitionKey.fromRelativePath(key.relativePath()).equals(java.util.Optional.of(key))) {
                failures.add(Integer.toHexString(c));
            }
        }
        assertThat(failures).isEmpty();
    }
}
