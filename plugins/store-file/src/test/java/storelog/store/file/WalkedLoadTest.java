package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import storelog.api.NewRecord;
import storelog.api.StorageFailedException;
import storelog.testkit.TestData;

/**
 * After a clean stop, a small active segment ({@link StoreWalk#WALK_BOUND}) loads by walking its store,
 * its index not opened (issue 11, cold partitions), and its index entries are checked against the
 * store before the first write: a damaged entry is rewritten before appends extend the index or a
 * truncation cuts it, and a store damaged since the load takes no write.
 */
class WalkedLoadTest {

    private Path data;

    @BeforeEach
    void setUp(TestInfo test) {
        data = TestData.directory(test).resolve("data");
    }


    @Test
    void aCleanlyStoppedSmallPartitionIsReadWithoutOpeningItsIndex() throws IOException {
        List<String> written = Engines.writeAndClose(data, "a", "b", "c");
        IndexOpens disk = new IndexOpens();
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            assertThat(Engines.texts(engine, KEY)).isEqualTo(written);
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(3);
            assertThat(disk.opens.get()).as("opens of the index before any write").isZero();
            assertThat(engine.append(KEY, List.of(text("d")))).isEqualTo(3);
            assertThat(disk.opens.get()).as("the first write checks the index").isPositive();
            assertThat(Engines.texts(engine, KEY)).containsExactly("a", "b", "c", "d");
        }
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(Engines.texts(engine, KEY)).containsExactly("a", "b", "c", "d");
        }
    }

    /**
     * An index entry damaged while the index keeps its length: the walk does not see it, so the first
     * append rewrites the index from the store before extending it — once the store outgrows the walk,
     * reads of the old records go through the index and find them (without the check, record 1's
     * entry stays damaged in the active index and its read fails).
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

    /** The same before a truncation, which cuts the index where its entries say. */
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

    /**
     * A store damaged after the load (a flipped byte in record 2's frame while the engine runs): the
     * append that would be the first write is refused with nothing written, the intact records are
     * still served, and the next start recovers the segment as after any damage, offsets unchanged.
     */
    @Test
    void aStoreDamagedSinceTheLoadTakesNoWrite() throws IOException {
        Engines.writeAndClose(data, "a", "b", "c");
        Path store = Engines.store(data, 0);
        long storeSize = Files.size(store);
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(new String(engine.read(KEY, 0).payload())).isEqualTo("a");
            Engines.flipBit(store, FileHeader.SIZE + 3L * Frame.length(1) - 1); // the last byte of record 2's frame
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("d")))).isInstanceOf(StorageFailedException.class)
                    .hasMessageContaining("no longer holds");
            assertThat(Files.size(store)).isEqualTo(storeSize);
            assertThat(new String(engine.read(KEY, 1).payload())).isEqualTo("b");
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("d")))).as("checked again, refused again")
                    .isInstanceOf(StorageFailedException.class);
        }
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(3);
            assertThat(new String(engine.read(KEY, 1).payload())).isEqualTo("b");
            assertThat(engine.append(KEY, List.of(text("d")))).isEqualTo(3);
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
}
