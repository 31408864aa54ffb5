package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.EpochStart;
import storelog.api.NewRecord;
import storelog.api.OffsetMismatchException;
import storelog.api.PartitionKey;
import storelog.api.StaleEpochException;
import storelog.api.UnknownPartitionException;
import storelog.testkit.TestData;

/**
 * {@code startEpoch}: a leader epoch's start recorded in the history without a record (a new
 * leader's term, a follower reaching it; docs/cluster.md "Reads") — where it goes, what it refuses,
 * that it is durable when the call returns whatever {@code FSYNC} says, and that crashes and
 * truncations keep the history consistent with the records.
 */
class EpochStartTest {

    private Path root;
    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        root = TestData.directory(test);
        dir = root.resolve("data");
    }

    private static List<NewRecord> records(int n) {
        return IntStream.range(0, n).mapToObj(i -> text("r" + i)).toList();
    }

    @Test
    void aStartedEpochIsTheHistorysLastEntryWithoutTakingAnOffset() {
        try (FileStorageEngine engine = Engines.open(dir)) {
            engine.append(KEY, 5, records(3));

            engine.startEpoch(KEY, 9, 3);

            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0), new EpochStart(9, 3));
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).as("no record was added").isEqualTo(3);
            assertThat(engine.append(KEY, 9, records(2))).as("the epoch's first record takes the start").isEqualTo(3);
            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0), new EpochStart(9, 3));
        }
        assertThat(Verifier.verify(dir, false).problems()).isEmpty();
    }

    @Test
    void startingTheLatestEpochAgainChangesNothing() {
        try (FileStorageEngine engine = Engines.open(dir)) {
            engine.append(KEY, 5, records(3));
            engine.startEpoch(KEY, 9, 3);
            engine.append(KEY, 9, records(1));

            engine.startEpoch(KEY, 9, 4); // a repeated request, after the epoch's records

            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0), new EpochStart(9, 3));
        }
    }

    @Test
    void aHigherStartReplacesALowerOneThatHasNoRecords() {
        try (FileStorageEngine engine = Engines.open(dir)) {
            engine.append(KEY, 5, records(3));
            engine.startEpoch(KEY, 7, 3);

            engine.startEpoch(KEY, 9, 3);

            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0), new EpochStart(9, 3));
        }
    }

    @Test
    void aLowerEpochIsRefusedEvenWhenTheHigherOneHasNoRecords() {
        try (FileStorageEngine engine = Engines.open(dir)) {
            engine.append(KEY, 5, records(3));
            engine.startEpoch(KEY, 9, 3);

            assertThatThrownBy(() -> engine.startEpoch(KEY, 7, 3)).isInstanceOf(StaleEpochException.class);
            assertThatThrownBy(() -> engine.startEpoch(KEY, 4, 3)).isInstanceOf(StaleEpochException.class);

            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0), new EpochStart(9, 3));
        }
    }

    @Test
    void itStartsOnlyAtTheNextOffsetOfAPartitionThatExists() {
        try (FileStorageEngine engine = Engines.open(dir)) {
            engine.append(KEY, 5, records(3));

            assertThatThrownBy(() -> engine.startEpoch(KEY, 9, 2)).isInstanceOfSatisfying(OffsetMismatchException.class,
                    e -> assertThat(e.nextOffset()).isEqualTo(3));
            assertThatThrownBy(() -> engine.startEpoch(KEY, 9, 4)).isInstanceOf(OffsetMismatchException.class);
            assertThatThrownBy(() -> engine.startEpoch(PartitionKey.of("none"), 9, 0)).isInstanceOf(UnknownPartitionException.class);
            assertThatThrownBy(() -> engine.startEpoch(KEY, -1, 3)).isInstanceOf(IllegalArgumentException.class);

            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0));
        }
    }

    /** Durable when it returns, even under {@code FSYNC=never}: a power cut right after keeps it. */
    @Test
    void aStartSurvivesAPowerCutRightAfterItReturnsWhateverTheFsyncPolicy() {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        Path data = PowerLossWorkload.dataDir(disk.root());
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER, disk)) {
            engine.append(KEY, 5, records(3));
        } // closing forces the records
        Path crashed = root.resolve("crashed");
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER, disk)) {
            engine.startEpoch(KEY, 9, 3);
            disk.durableImage().materialize(crashed); // the power goes now, the engine still open
        }
        try (FileStorageEngine engine = Engines.open(PowerLossWorkload.dataDir(crashed))) {
            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0), new EpochStart(9, 3));
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(3);
            assertThatThrownBy(() -> engine.startEpoch(KEY, 7, 3)).as("still fenced after the restart")
                    .isInstanceOf(StaleEpochException.class);
        }
    }

    /**
     * A crash that loses records below the start (unsynced under {@code never}) takes the start with
     * them: a log must not claim an epoch's start without the records before it, or it would rank
     * above a log that holds them.
     */
    @Test
    void aCrashThatLosesTheRecordsBelowTheStartRemovesTheStart() {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        Path data = PowerLossWorkload.dataDir(disk.root());
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER, disk)) {
            engine.append(KEY, 5, records(3));
        }
        Path crashed = root.resolve("crashed");
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER, disk)) {
            engine.append(KEY, 5, records(2)); // 3 and 4, never forced
            engine.startEpoch(KEY, 9, 5);
            disk.durableImage().materialize(crashed);
        }
        try (FileStorageEngine engine = Engines.open(PowerLossWorkload.dataDir(crashed))) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).as("the unforced records are lost").isEqualTo(3);
            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0));
        }
        assertThat(Verifier.verify(PowerLossWorkload.dataDir(crashed), false).problems()).isEmpty();
    }

    @Test
    void aTruncationBelowTheStartRemovesIt() {
        try (FileStorageEngine engine = Engines.open(dir)) {
            engine.append(KEY, 5, records(3));
            engine.startEpoch(KEY, 9, 3);

            engine.truncate(KEY, 2);

            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0));
            assertThat(engine.appendAt(KEY, 2, 7, records(1))).as("a newer leader's older records take the place").isEqualTo(2);
        }
        try (FileStorageEngine engine = Engines.open(dir)) {
            assertThat(engine.epochs(KEY)).as("after a restart").containsExactly(new EpochStart(5, 0), new EpochStart(7, 2));
        }
        assertThat(Verifier.verify(dir, false).problems()).isEmpty();
    }

    @Test
    void aTruncationAtTheStartRemovesItAndOneAboveKeepsIt() {
        PartitionKey other = PartitionKey.of("other");
        try (FileStorageEngine engine = Engines.open(dir)) {
            engine.append(KEY, 5, records(3));
            engine.startEpoch(KEY, 9, 3);
            engine.append(other, 5, records(3));
            engine.startEpoch(other, 9, 3);
            engine.append(other, 9, records(3));

            engine.truncate(KEY, 3);
            engine.truncate(other, 4);

            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0));
            assertThat(engine.epochs(other)).containsExactly(new EpochStart(5, 0), new EpochStart(9, 3));
        }
        try (FileStorageEngine engine = Engines.open(dir)) {
            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0));
            assertThat(engine.epochs(other)).containsExactly(new EpochStart(5, 0), new EpochStart(9, 3));
        }
    }
}
