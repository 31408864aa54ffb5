package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.PartitionInfo;
import storelog.api.Record;
import storelog.testkit.TestData;

/**
 * The crash states {@link PowerLossExplorerTest} found broken, replayed from their seeds (see
 * {@link PowerLossExplorer#replay}); each names the fix it guards.
 */
class PowerLossRegressionTest {

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");
    private Path scratch;

    @BeforeEach
    void setUp(TestInfo test) throws IOException {
        scratch = TestData.directory(test);
    }

    private static void assertRecovers(String mode, long seed, int appends, int threads, int operation, int variant, Path scratch) {
        FsyncPolicy fsync = FsyncPolicy.parse(mode);
        PowerLossExplorer explorer = new PowerLossExplorer(fsync, scratch);
        explorer.replay(new PowerLossWorkload(fsync, seed, appends, threads), operation, variant);
        assertThat(explorer.states()).as("the replay reached the crash state").isEqualTo(1);
        assertThat(explorer.failures()).isEmpty();
    }

    /**
     * A power cut in a roll under {@code always}, after the next segment's name was durable but before
     * the full one's last frames were forced: the full segment, now sealed, missed records that no
     * recovery check looks for (sealed segments are trusted under {@code always}) and they stayed as
     * permanently damaged records. Fixed by forcing the full segment before the next one is created.
     */
    @Test
    void aCrashInARollLeavesNoHoleInTheSealedSegment() {
        assertRecovers("always", 87201900, 8, 1, 57, 0, scratch);
    }

    /**
     * A power cut after a truncation under {@code never}: the segment left was forced, but the
     * partition directory's own name never was, so the whole partition could vanish. Fixed by forcing
     * the partition's names in a truncation, as it promises ("everything that remains is forced").
     */
    @Test
    void aTruncatedPartitionKeepsItsDirectoryUnderNever() {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        try (FileStorageEngine engine = Engines.open(PowerLossWorkload.dataDir(disk.root()), 1 << 20, FsyncPolicy.NEVER, disk)) {
            Engines.appendTexts(engine, Engines.KEY, 0, 3);
            engine.truncate(Engines.KEY, 2);
            disk.durableImage().materialize(scratch);
        }
        try (FileStorageEngine engine = Engines.open(PowerLossWorkload.dataDir(scratch))) {
            assertThat(engine.info(Engines.KEY)).as("the partition after the power cut").isPresent();
            assertThat(engine.read(Engines.KEY, 0, 10, Long.MAX_VALUE)).extracting(r -> r.text()).containsExactly("r0", "r1");
        }
    }

    /**
     * A power cut in a truncation under {@code always}: the segment holding the new end was cut and
     * forced while the deletions of the later segments were not yet durable, so they came back after
     * a hole (the sealed segment cut short). Fixed by deleting the later segments first, newest first,
     * each deletion forced.
     */
    @Test
    void aCrashInATruncationLeavesAPrefixOfTheOldLog() {
        assertRecovers("always", 149244843, 8, 1, 83, 2, scratch);
        assertRecovers("always", 149244852, 40, 1, 253, 0, scratch);
    }

    /**
     * Under {@code never} no segment's name was forced before the clean close, so a power cut could keep
     * a newer segment's name and lose an older one's: the log then started at a later base, or had a
     * hole. Fixed by forcing the names so far at each roll (the newest segment's name may still go).
     */
    @Test
    void underNeverAPowerCutKeepsAPrefixOfTheSegments() {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        List<CrashImage> crashes = new ArrayList<>();
        try (FileStorageEngine engine = Engines.open(PowerLossWorkload.dataDir(disk.root()), 100, FsyncPolicy.NEVER, disk)) {
            Engines.appendTexts(engine, Engines.KEY, 0, 20);
            Random random = new Random(12);
            for (int i = 0; i < 60; i++) {
                crashes.add(disk.crash(random));
            }
        }
        for (int i = 0; i < crashes.size(); i++) {
            Path dir = scratch.resolve("crash-" + i);
            crashes.get(i).materialize(dir);
            try (FileStorageEngine engine = Engines.open(PowerLossWorkload.dataDir(dir), 100, FsyncPolicy.NEVER)) {
                long next = engine.info(Engines.KEY).map(PartitionInfo::nextOffset).orElse(0L);
                List<Record> log = next == 0 ? List.of() : engine.read(Engines.KEY, 0, 100, Long.MAX_VALUE);
                assertThat(log).as("crash %d", i).extracting(Record::text)
                        .containsExactlyElementsOf(IntStream.range(0, (int) next).mapToObj(n -> "r" + n).toList());
            }
        }
    }

    /**
     * After a power cut under {@code interval|never}, blocks of unforced bytes reach the disk in any
     * order: a lost block in the middle of the active segment, or of a recent sealed one whose index and
     * last frame survived, left a damaged record with acknowledged records served after it — not a
     * prefix. Fixed by cutting at the first damaged record of the segments recovery checks, and by
     * reading every frame of the recent sealed segments (the cheap check looks at the last one only).
     */
    @ParameterizedTest
    @ValueSource(strings = {"interval:1000", "never"})
    void aBlockLostInTheMiddleCutsTheLogThere(String mode) throws IOException {
        for (boolean sealed : new boolean[] {false, true}) {
            Path data = scratch.resolve(mode.replace(':', '-') + (sealed ? "-sealed" : "-active"));
            try (FileStorageEngine engine = Engines.open(data, sealed ? 120 : 1 << 20, FsyncPolicy.parse(mode))) {
                Engines.appendTexts(engine, Engines.KEY, 0, 8);
            }
            Files.delete(data.resolve(DataDirectory.CLEAN_MARKER)); // a crash, not a clean stop
            CrashShapesTest.crashedUnderNever(data); // of a run under interval|never: its .unforced-rolls is still there
            long secondFrame = FileHeader.SIZE + Frame.length("r0".length());
            try (FileChannel store = FileChannel.open(Engines.store(data, 0), StandardOpenOption.WRITE)) {
                store.write(ByteBuffer.allocate(Frame.length("r1".length())), secondFrame); // record 1's bytes: zeros
            }
            try (FileStorageEngine engine = Engines.open(data, sealed ? 120 : 1 << 20, FsyncPolicy.parse(mode))) {
                assertThat(engine.info(Engines.KEY).orElseThrow().nextOffset()).as("%s, %s", mode, sealed ? "sealed" : "active")
                        .isEqualTo(1);
                assertThat(engine.read(Engines.KEY, 0).text()).isEqualTo("r0");
            }
            assertThat(Verifier.verify(data, false).problems()).isEmpty();
        }
    }
}
