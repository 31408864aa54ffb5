package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.KEY;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.DataType;
import storelog.api.NewRecord;
import storelog.api.Record;
import storelog.testkit.TestData;

/**
 * Random damage (bit flips, zeroed or random spans, a cut store, in stores and indexes, sealed and
 * active segments, after a clean or an unclean stop) in partitions of small segments
 * ({@link StoreWalk#WALK_BOUND}): every single and range read answers exactly what the index path
 * answers for the same files — the same record or the same failure. The index path's answers come
 * from a second engine over a copy of the files whose disk makes every walk fall back (review3).
 */
class SmallSegmentDamageFuzzTest {

    private static final int ROUNDS = 120;

    /**
     * A local disk on which every walk of a store finds it short (its read from byte 0 by
     * {@code StoreWalk.smallStore} sees the end of the file), so the segment answers through its index.
     */
    private static final class NoWalks extends StoreChannelDisk {
        final AtomicInteger refused = new AtomicInteger();

        @Override
        FileChannel wrapStore(Path file, FileChannel real) {
            return new ForwardingChannel(real) {
                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    if (position == 0 && calledByAWalk()) {
                        refused.incrementAndGet();
                        return -1;
                    }
                    return super.read(dst, position);
                }
            };
        }

        private static boolean calledByAWalk() {
            return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                    f -> f.getClassName().equals(StoreWalk.class.getName()) && f.getMethodName().equals("smallStore")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "never"})
    void walksAnswerWhatTheIndexPathAnswersWhateverTheDamage(String reopenFsync, TestInfo test) throws IOException {
        Path root = TestData.directory(test);
        Random random = new Random(reopenFsync.hashCode());
        int walked = 0;
        int damagedAnswers = 0;
        NoWalks noWalks = new NoWalks();
        for (int round = 0; round < ROUNDS; round++) {
            Path data = root.resolve("r" + round + "/walked");
            List<NewRecord> written = write(data, random);
            boolean crash = random.nextBoolean();
            if (crash) {
                Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
            }
            String damage = damage(data, random);
            Path reference = CrashShapesTest.copy(data, root.resolve("r" + round + "/reference"));
            String what = "round " + round + " (" + written.size() + " records, " + damage + ", " + (crash ? "crash" : "clean")
                    + " stop, reopened under " + reopenFsync + ")";

            try (FileStorageEngine engine = Engines.open(data, 600, FsyncPolicy.parse(reopenFsync));
                 FileStorageEngine index = Engines.open(reference, 600, FsyncPolicy.parse(reopenFsync), noWalks)) {
                long next = index.info(KEY).map(i -> i.nextOffset()).orElse(0L);
                assertThat(engine.info(KEY).map(i -> i.nextOffset()).orElse(0L)).as(what).isEqualTo(next);
                for (long each = 0; each < next; each++) {
                    long o = each;
                    String expected = outcome(() -> List.of(index.read(KEY, o)));
                    assertThat(outcome(() -> List.of(engine.read(KEY, o)))).as("%s: read(%d)", what, o).isEqualTo(expected);
                    damagedAnswers += expected.startsWith("failed") ? 1 : 0;
                    if (!expected.startsWith("failed")) {
                        assertThat(engine.read(KEY, o).payload()).as("%s: the payload of %d", what, o)
                                .isEqualTo(written.get((int) o).payload());
                    }
                    walked++;
                }
                for (int r = 0; r < 10 && next > 0; r++) {
                    long from = random.nextLong(next);
                    int max = 1 + random.nextInt((int) next);
                    long budget = 1 + random.nextInt(600);
                    String expected = outcome(() -> index.read(KEY, from, max, budget));
                    assertThat(outcome(() -> engine.read(KEY, from, max, budget)))
                            .as("%s: read(%d, %d, %d)", what, from, max, budget).isEqualTo(expected);
                }
            }
        }
        assertThat(noWalks.refused.get()).as("reads of the reference that would have walked").isPositive();
        assertThat(damagedAnswers).as("damaged records met").isPositive();
        assertThat(walked).isPositive();
    }

    /** Appends 6 to 30 single records of 0 to 80 bytes: a few segments of at most 600 bytes and an active one. */
    private static List<NewRecord> write(Path data, Random random) {
        List<NewRecord> written = new ArrayList<>();
        int n = 6 + random.nextInt(25);
        try (FileStorageEngine engine = Engines.open(data, 600, FsyncPolicy.ALWAYS)) {
            for (int i = 0; i < n; i++) {
                byte[] payload = new byte[random.nextInt(81)];
                random.nextBytes(payload);
                NewRecord record = new NewRecord(DataType.BYTES, payload, 1_764_230_400_000L + i);
                engine.append(KEY, List.of(record));
                written.add(record);
            }
        }
        return written;
    }

    /** Damages one file of a random segment; returns what was done. */
    private static String damage(Path data, Random random) throws IOException {
        List<Path> stores = Engines.storeFiles(data, KEY);
        Path store = stores.get(random.nextInt(stores.size()));
        boolean index = random.nextInt(4) == 0;
        Path file = index ? SegmentName.indexFile(store.getParent(), Engines.base(store)) : store;
        byte[] bytes = Files.readAllBytes(file);
        int kind = random.nextInt(index ? 3 : 4);
        int at = random.nextInt(bytes.length);
        String what;
        switch (kind) {
            case 0 -> {
                int flips = 1 + random.nextInt(3);
                for (int i = 0; i < flips; i++) {
                    int bit = random.nextInt(bytes.length * 8);
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                what = flips + " bit flips";
            }
            case 1 -> {
                int to = Math.min(bytes.length, at + 1 + random.nextInt(64));
                Arrays.fill(bytes, at, to, (byte) 0);
                what = "bytes " + at + " to " + to + " zeroed";
            }
            case 2 -> {
                int to = Math.min(bytes.length, at + 1 + random.nextInt(64));
                byte[] noise = new byte[to - at];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, bytes, at, noise.length);
                what = "bytes " + at + " to " + to + " random";
            }
            default -> {
                bytes = Arrays.copyOf(bytes, at);
                what = "cut at byte " + at;
            }
        }
        Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        return what + " in " + file.getFileName() + " of " + stores.size() + " segments";
    }

    /** A read's answer as text: the records, or the failure's type. */
    private static String outcome(ReadCall call) {
        try {
            StringBuilder text = new StringBuilder();
            for (Record r : call.read()) {
                text.append(r.offset()).append(':').append(r.type()).append(':').append(r.timestamp()).append(':')
                        .append(Arrays.hashCode(r.payload())).append('/').append(r.payload().length).append(' ');
            }
            return text.toString();
        } catch (RuntimeException e) {
            return "failed: " + e.getClass().getSimpleName();
        }
    }

    @FunctionalInterface
    private interface ReadCall {
        List<Record> read();
    }
}
