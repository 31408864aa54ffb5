package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import storelog.api.EpochStart;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.spi.StorageEngine;

/**
 * What the epoch tests share: records that carry the epoch they were appended with in their payload
 * ({@code e<epoch>-...}), the check that a history agrees with such records, the history file's
 * replacements in a {@link Faults} journal, and a crash made by copying a live data directory.
 */
final class EpochChecks {

    private EpochChecks() {
    }

    /** The epoch a test record names in its payload {@code e<epoch>-...}. */
    static long epochOf(Record record) {
        String text = record.text();
        return Long.parseLong(text.substring(1, text.indexOf('-')));
    }

    /** The epoch of the entry covering {@code offset}, or -1 when none does. */
    static long covering(List<EpochStart> history, long offset) {
        long epoch = -1;
        for (EpochStart e : history) {
            if (e.startOffset() <= offset) {
                epoch = e.epoch();
            }
        }
        return epoch;
    }

    /** Asserts the SPI's shape: from offset 0, strictly increasing in epoch and start, nothing beyond {@code next}. */
    static void assertWellFormed(List<EpochStart> history, long next, String as) {
        for (int i = 0; i < history.size(); i++) {
            EpochStart e = history.get(i);
            if (i == 0) {
                assertThat(e.startOffset()).as("%s: %s starts at 0", as, history).isZero();
            } else {
                assertThat(e.epoch()).as("%s: %s grows in epoch", as, history).isGreaterThan(history.get(i - 1).epoch());
                assertThat(e.startOffset()).as("%s: %s grows in offset", as, history)
                        .isGreaterThan(history.get(i - 1).startOffset());
            }
            assertThat(e.startOffset()).as("%s: %s starts at most at the next offset %d", as, history, next).isLessThanOrEqualTo(next);
        }
    }

    /** Asserts that every record of the partition has the epoch of the history entry covering it; returns the records. */
    static List<Record> assertRecordsMatch(StorageEngine engine, PartitionKey key, String as) {
        long next = engine.info(key).map(storelog.api.PartitionInfo::nextOffset).orElse(0L);
        List<EpochStart> history = engine.epochs(key);
        assertWellFormed(history, next, as);
        List<Record> all = new ArrayList<>();
        while (all.size() < next) {
            all.addAll(engine.read(key, all.size(), 10_000, Long.MAX_VALUE));
        }
        for (Record r : all) {
            assertThat(covering(history, r.offset())).as("%s: record %d (%s) in history %s", as, r.offset(), r.text(), history)
                    .isEqualTo(epochOf(r));
        }
        return all;
    }

    /** How many times the history file of the partition in {@code dir} was replaced, in a {@link Faults} journal. */
    static long historyWrites(Faults faults, Path partitionDir) {
        String move = "move " + partitionDir.resolve(EpochHistoryFile.TEMPORARY_NAME) + " " + EpochHistoryFile.in(partitionDir);
        synchronized (faults.events) {
            return faults.events.stream().filter(move::equals).count();
        }
    }

    /** The history file's entries as on disk. */
    static List<EpochStart> onDisk(Path partitionDir) throws Exception {
        return EpochHistoryFile.read(Disk.LOCAL, EpochHistoryFile.in(partitionDir));
    }

    /**
     * What a process crash leaves: a copy of the files of {@code live} (an engine may have it open)
     * as they are now, without the clean-shutdown marker.
     */
    static Path crashCopy(Path live, Path copy) {
        try (Stream<Path> files = Files.walk(live)) {
            for (Path from : files.toList()) {
                Path to = copy.resolve(live.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else if (!from.getFileName().toString().equals(DataDirectory.CLEAN_MARKER)) {
                    Files.copy(from, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    /** Waits (spinning, no sleeps) until {@code condition} holds, at most 30 s. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 30 s for " + what);
            }
            Thread.yield();
        }
    }

    /** Whether {@code thread} is parked in a group commit, waiting for a sync (its append is registered). */
    static boolean waitsForSync(Thread thread) {
        return Objects.requireNonNullElse(java.util.concurrent.locks.LockSupport.getBlocker(thread), "") instanceof GroupCommitter;
    }
}
