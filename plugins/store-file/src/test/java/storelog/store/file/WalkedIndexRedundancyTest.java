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
 * ones keep their offsets", README Recovery). Before 3b70a12 a clean start that found the active
 * index damaged rewrote it at the load; since, a small segment's load walks its store and leaves the
 * index as it is until the first write, so a partition that is only read (a cold one, for months) keeps
 * an index that lists nothing. When the store's last frame is then damaged too, the next clean start
 * scans with no listed records, takes the damaged last record for a torn tail and cuts it: an
 * acknowledged, durable record is gone and its offset is given to the next append (review7). Passes
 * on dccdc9c, fails on 3b70a12: the clean close of a partition that loaded and was never written now
 * makes the check the first write would have made ({@link PartitionLoader#checkIndexAtClose}).
 */
class WalkedIndexRedundancyTest {

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
