package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.NewRecord;
import storelog.testkit.TestData;

/**
 * An active index damaged while StoreLog was stopped cleanly, keeping its length (one entry garbled):
 * the load's check finds it and rewrites the index from the store, so appends extend, and a truncation
 * cuts, an index that agrees with the store. Written for a walked load of small segments that left
 * the index unread until the first write (3b70a12, reverted: the saved system calls did not move the
 * cold reads/s, and checking the index at the clean close instead tripled the stop's time).
 */
class CleanStopIndexDamageTest {

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    private Path data;

    @BeforeEach
    void setUp(TestInfo test) {
        data = TestData.directory(test).resolve("data");
    }

    /**
     * Once the store outgrows {@link StoreWalk#WALK_BOUND}, reads of the old records go through the
     * index and find them (a damaged entry left in the active index would fail record 1's read).
     */
    @Test
    void aDamagedIndexEntryIsRewrittenBeforeTheFirstAppend() throws IOException {
        Engines.writeAndClose(data, "a", "b", "c");
        long indexSize = Files.size(Engines.index(data, 0));
        Engines.flipBit(Engines.index(data, 0), IndexEntry.positionOf(1) + 3);
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(Engines.texts(engine, KEY)).containsExactly("a", "b", "c");
            List<NewRecord> more = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                more.add(Engines.sized(i, 100));
            }
            assertThat(engine.append(KEY, more)).isEqualTo(3);
            assertThat(Files.size(Engines.store(data, 0))).as("past the walk: reads go through the index")
                    .isGreaterThan(StoreWalk.WALK_BOUND);
            assertThat(new String(engine.read(KEY, 1).payload())).isEqualTo("b");
            assertThat(Engines.texts(engine, KEY).subList(0, 3)).containsExactly("a", "b", "c");
        }
        assertThat(Files.size(Engines.index(data, 0))).isEqualTo(indexSize + 20L * IndexEntry.SIZE);
        assertThat(intactEntries(Engines.index(data, 0))).isEqualTo(23);
    }

    /** The same for a truncation, which cuts the index where its entries say. */
    @Test
    void aDamagedIndexEntryIsRewrittenBeforeATruncation() throws IOException {
        Engines.writeAndClose(data, "a", "b", "c", "d", "e");
        Engines.flipBit(Engines.index(data, 0), IndexEntry.positionOf(3) + 3);
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(5);
            engine.truncate(KEY, 3);
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(3);
            assertThat(engine.append(KEY, List.of(text("D"), text("E")))).isEqualTo(3);
            assertThat(Engines.texts(engine, KEY)).containsExactly("a", "b", "c", "D", "E");
        }
        assertThat(intactEntries(Engines.index(data, 0))).isEqualTo(5);
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(Engines.texts(engine, KEY)).containsExactly("a", "b", "c", "D", "E");
        }
    }



    private static int intactEntries(Path index) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(index));
        int n = 0;
        for (long i = 0; IndexEntry.positionOf(i + 1) <= all.limit(); i++) {
            if (IndexEntry.decode(all, (int) IndexEntry.positionOf(i), i) != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * The index is the redundancy that keeps a damaged last record's offset after a clean stop ("the
     * records its index lists up to its last intact entry were durable at the clean close, so even damaged
     * ones keep their offsets", README Recovery), so a clean start that finds the active index damaged
     * rewrites it at the load, even in a run that only reads. Found by review7 against a walked load of
     * small segments that left the index unread (3b70a12, reverted): a partition only read kept an index
     * listing nothing, and when the store's last frame was damaged too, the next clean start took the
     * damaged last record for a torn tail and cut it, giving its offset to the next append.
     */
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
