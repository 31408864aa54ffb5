package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.testkit.TestData;

/**
 * The index is the redundancy that keeps a damaged last record's offset after a clean stop ("the
 * records its index lists up to its last intact entry were durable at the clean close, so even damaged
 * ones keep their offsets", README Recovery), so a clean start that finds the active index damaged
 * rewrites it at the load, even in a run that only reads. Found by review7 against a walked load of
 * small segments that left the index unread (3b70a12, reverted): a partition only read kept an index
 * listing nothing, and when the store's last frame was damaged too, the next clean start took the
 * damaged last record for a torn tail and cut it, giving its offset to the next append.
 */
class IndexRedundancyTest {

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    private Path data;

    @BeforeEach
    void setUp(TestInfo test) {
        data = TestData.directory(test).resolve("data");
    }


    @Test
    void aDamagedLastRecordKeepsItsOffsetAfterReadOnlyRunsLeftItsIndexDamaged() throws IOException {
        Engines.writeAndClose(data, "a", "b", "c");
        for (int i = 0; i < 3; i++) {
            Engines.flipBit(Engines.index(data, 0), IndexEntry.positionOf(i) + 2);
        }
        try (FileStorageEngine engine = Engines.open(data)) { // a run that only reads
            assertThat(Engines.texts(engine, KEY)).containsExactly("a", "b", "c");
        }
        Path store = Engines.store(data, 0);
        Engines.flipBit(store, Files.size(store) - 1); // the last byte of record 2's payload
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).as("record 2 was acknowledged and durable").isEqualTo(3);
        }
    }
}
