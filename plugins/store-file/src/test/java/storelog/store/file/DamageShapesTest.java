package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import storelog.api.CorruptRecordException;
import storelog.api.NewRecord;
import storelog.api.Record;
import storelog.api.spi.VerificationReport;
import storelog.testkit.TestData;

/**
 * Every shape of damage a bad disk leaves in a segment, made on a copy of known good data: bit flips
 * in a length field, zeroed and random 512 B and 4 KiB sectors at the start, middle and end, two
 * adjacent bad frames, a damaged header, a damaged index together with a damaged store — in the
 * active segment and in a recent sealed one, after a crash (no clean-shutdown marker) and after a
 * clean stop. Opened by the engine ({@code FSYNC=always}), checked by {@code verify} and repaired by
 * {@code verify --repair}, the rule is the same: exactly the damaged records answer
 * {@code corrupt_record}, every other record is served with its payload, the next offset is
 * unchanged — except for a damaged tail of the active segment after a crash that no intact frame
 * follows, which is a torn write and is cut.
 */
class DamageShapesTest {

    private static final long SEGMENT_SIZE = 16 * 1024;
    private static final int RECORDS = 680;
    private static Path good;
    private static final List<String> PAYLOADS = new ArrayList<>();

    enum Target { ACTIVE, SEALED }

    enum Stop { CRASH, CLEAN }

    /** Where in the store (or index) the damage goes. */
    enum Shape {
        LENGTH_BIT_FLIP, TWO_ADJACENT_FRAMES, DAMAGED_HEADER, DAMAGED_INDEX_AND_STORE,
        ZEROED_512_START, ZEROED_512_MIDDLE, ZEROED_512_END, ZEROED_4K_START, ZEROED_4K_MIDDLE, ZEROED_4K_END,
        RANDOM_512_START, RANDOM_512_MIDDLE, RANDOM_512_END, RANDOM_4K_START, RANDOM_4K_MIDDLE, RANDOM_4K_END
    }

    /** One frame of the good data: its record offset, where it is, how long. */
    private record Placed(long offset, long position, int length) {
        boolean overlaps(long from, long to) {
            return position < to && position + length > from;
        }
    }

    @BeforeAll
    static void writeGoodData() throws IOException {
        good = TestData.directory(DamageShapesTest.class, "good");
        Random random = new Random(2026);
        try (FileStorageEngine engine = Engines.open(good, SEGMENT_SIZE, FsyncPolicy.NEVER)) {
            for (int i = 0; i < RECORDS; i++) { // single appends: a cut tail takes no batch with it (BatchTailTest)
                String payload = "r" + i + "-" + "x".repeat(20 + random.nextInt(130));
                PAYLOADS.add(payload);
                engine.append(KEY, List.of(Engines.text(payload)));
            }
        }
        List<Path> stores = Engines.storeFiles(good, KEY);
        assertThat(stores).as("the fixture needs sealed segments before the active one").hasSizeGreaterThan(2);
        assertThat(Files.size(stores.getLast())).as("an active segment of at least three 4 KiB sectors").isGreaterThan(3 * 4096);
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Shape shape : Shape.values()) {
            for (Target target : Target.values()) {
                for (Stop stop : Stop.values()) {
                    all.add(Arguments.of(shape, target, stop));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "[{index}] {0} in the {1} segment after a {2} stop")
    @MethodSource("cases")
    void damageCostsExactlyTheDamagedRecords(Shape shape, Target target, Stop stop, TestInfo test) throws IOException {
        Path root = TestData.directory(test);
        Path damaged = CrashShapesTest.copy(good, root.resolve("damaged"));
        if (stop == Stop.CRASH) {
            Files.delete(damaged.resolve(DataDirectory.CLEAN_MARKER));
        }
        List<Path> stores = Engines.storeFiles(damaged, KEY);
        Path store = target == Target.ACTIVE ? stores.getLast() : stores.get(stores.size() - 2);
        long base = Engines.base(store);
        List<Placed> frames = layout(SegmentName.indexFile(store.getParent(), base), base);
        Set<Long> hit = damage(shape, store, frames);
        Path repaired = CrashShapesTest.copy(damaged, root.resolve("repaired"));
        Engines.dumpBeside(root);

        // a damaged tail of the active segment after a crash is a torn write: cut where the damage starts
        long next = RECORDS;
        Set<Long> corrupt = new TreeSet<>(hit);
        if (target == Target.ACTIVE && stop == Stop.CRASH && hit.contains((long) RECORDS - 1)) {
            while (hit.contains(next - 1)) {
                next--;
            }
            long cut = next;
            corrupt.removeIf(o -> o >= cut);
        }
        String what = shape + " in the " + target + " segment after a " + stop + " stop";

        VerificationReport found = Verifier.verify(damaged, false);
        Set<Long> named = new TreeSet<>();
        found.problems().stream().filter(p -> p.offset() >= 0).forEach(p -> named.add(p.offset()));
        Set<Long> expectedNamed = new TreeSet<>(corrupt);
        if (next < RECORDS) {
            expectedNamed.add(next);
        }
        assertThat(named).as("verify names every damaged record of " + what + ": " + found.problems()).isEqualTo(expectedNamed);
        if (!hit.isEmpty() || shape == Shape.DAMAGED_HEADER || shape == Shape.DAMAGED_INDEX_AND_STORE) {
            assertThat(found.isClean()).as(what).isFalse();
        }

        Verifier.verify(repaired, true);
        VerificationReport afterRepair = Verifier.verify(repaired, false);
        assertThat(afterRepair.problems()).as("after verify --repair of " + what)
                .allSatisfy(p -> assertThat(p.what()).doesNotContain("repairable"));
        assertThat(afterRepair.problems()).extracting(VerificationReport.Problem::offset).as(what)
                .containsExactlyInAnyOrderElementsOf(corrupt);

        for (Path data : List.of(damaged, repaired)) {
            try (FileStorageEngine engine = Engines.open(data, SEGMENT_SIZE, FsyncPolicy.ALWAYS)) {
                assertThat(engine.info(KEY).orElseThrow().nextOffset()).as("next offset after " + what).isEqualTo(next);
                assertServed(engine, next, corrupt, what + " (" + data.getFileName() + ")");
                assertThat(engine.append(KEY, List.of(Engines.text("after")))).as(what).isEqualTo(next);
            }
            try (FileStorageEngine engine = Engines.open(data, SEGMENT_SIZE, FsyncPolicy.ALWAYS)) {
                assertThat(engine.info(KEY).orElseThrow().nextOffset()).as("next offset after " + what).isEqualTo(next + 1);
                assertServed(engine, next, corrupt, what + " (" + data.getFileName() + ", reopened)");
                assertThat(engine.read(KEY, next).text()).isEqualTo("after");
            }
        }
    }

    /** Reads every record below {@code next} one by one and every intact run as a range. */
    private static void assertServed(FileStorageEngine engine, long next, Set<Long> corrupt, String what) {
        long runStart = 0;
        for (long o = 0; o <= next; o++) {
            if (o < next && !corrupt.contains(o)) {
                assertThat(engine.read(KEY, o).text()).as("record %d after %s", o, what).isEqualTo(PAYLOADS.get((int) o));
                continue;
            }
            if (o > runStart) {
                assertThat(engine.read(KEY, runStart, (int) (o - runStart), Long.MAX_VALUE)).extracting(Record::text)
                        .as("records %d to %d after %s", runStart, o - 1, what)
                        .containsExactlyElementsOf(PAYLOADS.subList((int) runStart, (int) o));
            }
            if (o < next) {
                long offset = o;
                assertThatThrownBy(() -> engine.read(KEY, offset)).as("record %d after %s", o, what)
                        .isInstanceOf(CorruptRecordException.class);
            }
            runStart = o + 1;
        }
    }

    /** The frames of segment {@code base}, from its (good) index. */
    private static List<Placed> layout(Path index, long base) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(index));
        List<Placed> frames = new ArrayList<>();
        for (long i = 0; IndexEntry.positionOf(i + 1) <= bytes.capacity(); i++) {
            IndexEntry e = IndexEntry.decode(bytes, (int) IndexEntry.positionOf(i), i);
            frames.add(new Placed(base + i, e.position(), e.length()));
        }
        return frames;
    }

    /** Damages the store (and for one shape the index) of a segment; returns the offsets whose frames it touched. */
    private static Set<Long> damage(Shape shape, Path store, List<Placed> frames) throws IOException {
        long size = Files.size(store);
        Placed middle = frames.get(frames.size() / 2);
        return switch (shape) {
            case LENGTH_BIT_FLIP -> {
                flip(store, middle.position() + 2, 0x10); // the length grows by 4096
                yield Set.of(middle.offset());
            }
            case TWO_ADJACENT_FRAMES -> {
                Placed second = frames.get(frames.size() / 2 + 1);
                flip(store, middle.position() + 3, 0x01);
                flip(store, second.position() + 3, 0x01);
                yield Set.of(middle.offset(), second.offset());
            }
            case DAMAGED_HEADER -> {
                write(store, 0, random(FileHeader.SIZE));
                yield Set.of();
            }
            case DAMAGED_INDEX_AND_STORE -> {
                long from = sectorAt(size / 2, 512);
                write(store, from, new byte[512]);
                Set<Long> hit = hit(frames, from, from + 512);
                Path index = SegmentName.indexFile(store.getParent(), frames.getFirst().offset());
                long first = hit.iterator().next() - frames.getFirst().offset();
                long at = Math.max(FileHeader.SIZE, IndexEntry.positionOf(first) - 2048);
                write(index, at, new byte[(int) Math.min(4096, Files.size(index) - at)]);
                yield hit;
            }
            default -> {
                int sector = shape.name().contains("4K") ? 4096 : 512;
                long from = shape.name().endsWith("START") ? 0
                        : shape.name().endsWith("MIDDLE") ? sectorAt(size / 2, sector) : sectorAt(size - 1, sector);
                long to = Math.min(size, from + sector);
                write(store, from, shape.name().startsWith("ZEROED") ? new byte[(int) (to - from)] : random((int) (to - from)));
                yield hit(frames, from, to);
            }
        };
    }

    private static Set<Long> hit(List<Placed> frames, long from, long to) {
        Set<Long> hit = new TreeSet<>();
        frames.stream().filter(f -> f.overlaps(from, to)).forEach(f -> hit.add(f.offset()));
        return hit;
    }

    private static long sectorAt(long position, int sector) {
        return position / sector * sector;
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    private static void flip(Path file, long position, int mask) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            b.put(0, (byte) (b.get(0) ^ mask)).rewind();
            ch.write(b, position);
        }
    }

    private static void write(Path file, long position, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), position);
        }
    }
}
