package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.testkit.TestData;

/** Hostile partition keys stay inside the data directory, never collide, and survive a restart. */
class PartitionDirectoryTest {

    static final List<String> HOSTILE = List.of("../x", "../../etc/passwd", "a/b", ".", "..", "\0", "a\0b", "\\",
            "..\\x", "/abs", "Orders", "orders", "ORDERS", "con", "CON", "nul", "%2e", "x+", " ", "trailing.",
            "日本語", "😀", "__internal", "a".repeat(255), "/".repeat(255), "Z".repeat(255));

    @Test
    void hostileKeysRoundTripAndStayInsideTheDataDirectory(TestInfo test) throws IOException {
        Path root = TestData.directory(test);
        Path data = root.resolve("data");
        try (FileStorageEngine engine = Engines.open(data)) {
            for (String raw : HOSTILE) {
                engine.append(PartitionKey.of(raw), List.of(Engines.text(raw)));
            }
        }
        try (Stream<Path> outside = Files.list(root)) {
            assertThat(outside.toList()).containsExactly(data);
        }
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.partitions()).extracting(PartitionInfo::partition).extracting(PartitionKey::value)
                    .containsExactlyInAnyOrderElementsOf(HOSTILE);
            for (String raw : HOSTILE) {
                assertThat(engine.read(PartitionKey.of(raw), 0).text()).isEqualTo(raw);
                assertThat(engine.info(PartitionKey.of(raw)).orElseThrow().nextOffset()).isEqualTo(1);
            }
        }
        try (Stream<Path> all = Files.walk(data)) {
            assertThat(all.toList()).allSatisfy(p -> assertThat(p.toRealPath()).startsWith(data.toRealPath()));
        }
    }

    @Test
    void foreignDirectoriesInTheDataDirectoryAreIgnored(TestInfo test) throws IOException {
        Path data = TestData.directory(test);
        Files.createDirectories(data.resolve("Not A Key"));
        Files.createDirectories(data.resolve("lost+found"));
        try (FileStorageEngine engine = Engines.open(data)) {
            engine.append(Engines.KEY, List.of(Engines.text("x")));
            assertThat(engine.partitions()).extracting(PartitionInfo::partition).containsExactly(Engines.KEY);
        }
    }
}
