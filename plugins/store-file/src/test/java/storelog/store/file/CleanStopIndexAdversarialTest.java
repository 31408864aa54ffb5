package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.NewRecord;
import storelog.api.Record;
import storelog.api.spi.VerificationReport;
import storelog.testkit.TestData;

/**
 * Adversarial checks of a clean start's check of a small active segment (review7): damaged or foreign
 * indexes of the right length, a store of exactly {@link StoreWalk#WALK_BOUND} bytes, an empty
 * segment, a roll as the first write, and readers racing the first append after a damaged index.
 */
class CleanStopIndexAdversarialTest {

    private Path data;

    @BeforeEach
    void setUp(TestInfo test) {
        data = TestData.directory(test).resolve("data");
    }

    private void writeAndClose(int n, int size) {
        try (FileStorageEngine engine = Engines.open(data)) {
            for (int i = 0; i < n; i++) {
                engine.append(KEY, List.of(Engines.sized(i, size)));
            }
        }
    }

    private static void garbleEntries(Path index) throws IOException {
        long size = Files.size(index);
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.WRITE)) {
            byte[] junk = new byte[(int) (size - FileHeader.SIZE)];
            new java.util.Random(7).nextBytes(junk);
            ch.write(ByteBuffer.wrap(junk), FileHeader.SIZE);
        }
    }

    private static void foreignHeader(Path index) throws IOException {
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.WRITE)) {
            ch.write(FileHeader.INDEX.encode(77), 0);
        }
    }

    @Test
    void readersDuringTheFirstAppendNeverFail() throws Exception {
        writeAndClose(8, 90); // 16 + 8*115 = 936 bytes
        assertThat(Files.size(Engines.store(data, 0))).isLessThanOrEqualTo(StoreWalk.WALK_BOUND);
        garbleEntries(Engines.index(data, 0));
        for (int round = 0; round < 20; round++) {
            try (FileStorageEngine engine = Engines.open(data)) {
                AtomicBoolean stop = new AtomicBoolean();
                ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
                List<Thread> readers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int tt = t;
                    Thread th = new Thread(() -> {
                        while (!stop.get()) {
                            try {
                                for (int o = 0; o < 8; o++) {
                                    Record r = engine.read(KEY, o);
                                    if (!r.text().startsWith("r" + o + "-")) {
                                        errors.add(new AssertionError("wrong record " + r.text() + " at " + o));
                                    }
                                }
                                List<Record> all = engine.read(KEY, tt % 8, 100, Long.MAX_VALUE);
                                for (Record r : all) {
                                    if (r.offset() < 8 && !r.text().startsWith("r" + r.offset() + "-")) {
                                        errors.add(new AssertionError("wrong record " + r.text()));
                                    }
                                }
                            } catch (Throwable e) {
                                errors.add(e);
                            }
                        }
                    });
                    th.start();
                    readers.add(th);
                }
                Thread.sleep(5);
                List<NewRecord> more = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    more.add(Engines.sized(8 + round * 3L + i, 90));
                }
                engine.append(KEY, more);
                Thread.sleep(5);
                stop.set(true);
                for (Thread th : readers) {
                    th.join();
                }
                assertThat(errors).isEmpty();
                engine.truncate(KEY, 8);
            }
            garbleEntries(Engines.index(data, 0));
        }
    }

    @Test
    void garbledIndexTruncateAppendThenRestart() throws IOException {
        writeAndClose(6, 10);
        garbleEntries(Engines.index(data, 0));
        try (FileStorageEngine engine = Engines.open(data)) {
            engine.truncate(KEY, 3);
            assertThat(engine.append(KEY, List.of(text("X"), text("Y")))).isEqualTo(3);
        }
        try (FileStorageEngine engine = Engines.open(data)) {
            List<String> t = Engines.texts(engine, KEY);
            assertThat(t).hasSize(5);
            assertThat(t.subList(3, 5)).containsExactly("X", "Y");
        }
        VerificationReport report = Verifier.verify(data, false);
        assertThat(report.problems()).isEmpty();
    }

    @Test
    void foreignIndexHeaderReadOnlyRunThenAppendRun() throws IOException {
        writeAndClose(3, 10);
        foreignHeader(Engines.index(data, 0));
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(Engines.texts(engine, KEY)).hasSize(3);
        }
        try (FileStorageEngine engine = Engines.open(data)) {
            List<NewRecord> more = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                more.add(Engines.sized(100 + i, 100));
            }
            assertThat(engine.append(KEY, more)).isEqualTo(3);
            assertThat(engine.read(KEY, 1).text()).startsWith("r1-");
        }
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(Engines.texts(engine, KEY)).hasSize(23);
        }
        assertThat(Verifier.verify(data, false).problems()).isEmpty();
    }

    @Test
    void exactlyAtTheBound() throws IOException {
        // 16 + 4 * 252 = 1024
        writeAndClose(4, 252 - Frame.HEADER_SIZE);
        assertThat(Files.size(Engines.store(data, 0))).isEqualTo(StoreWalk.WALK_BOUND);
        garbleEntries(Engines.index(data, 0));
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(Engines.texts(engine, KEY)).hasSize(4);
            engine.append(KEY, List.of(text("z")));
            for (int o = 0; o < 4; o++) {
                assertThat(engine.read(KEY, o).text()).startsWith("r" + o + "-");
            }
        }
        assertThat(Verifier.verify(data, false).problems()).isEmpty();
    }

    @Test
    void emptyActiveSegmentWithForeignIndexHeader() throws IOException {
        writeAndClose(3, 10);
        try (FileStorageEngine engine = Engines.open(data)) {
            engine.truncate(KEY, 0);
        }
        foreignHeader(Engines.index(data, 0));
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.append(KEY, List.of(text("a")))).isEqualTo(0);
        }
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(Engines.texts(engine, KEY)).containsExactly("a");
        }
        assertThat(Verifier.verify(data, false).problems()).isEmpty();
    }

    @Test
    void smallMaxFileSizeRollAsFirstWrite() throws IOException {
        try (FileStorageEngine engine = Engines.open(data, 200, FsyncPolicy.ALWAYS)) {
            for (int i = 0; i < 5; i++) {
                engine.append(KEY, List.of(Engines.sized(i, 40)));
            }
        }
        List<Path> stores = Engines.storeFiles(data, KEY);
        long lastBase = Engines.base(stores.getLast());
        garbleEntries(Engines.index(data, lastBase));
        try (FileStorageEngine engine = Engines.open(data, 200, FsyncPolicy.ALWAYS)) {
            for (int i = 5; i < 12; i++) {
                engine.append(KEY, List.of(Engines.sized(i, 40)));
            }
        }
        try (FileStorageEngine engine = Engines.open(data, 200, FsyncPolicy.ALWAYS)) {
            List<String> t = Engines.texts(engine, KEY);
            assertThat(t).hasSize(12);
            for (int i = 0; i < 12; i++) {
                assertThat(t.get(i)).startsWith("r" + i + "-");
            }
        }
        assertThat(Verifier.verify(data, false).problems()).isEmpty();
    }
}
