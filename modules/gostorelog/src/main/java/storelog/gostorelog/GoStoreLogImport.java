package storelog.gostorelog;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import storelog.api.InvalidPartitionKeyException;
import storelog.api.InvalidRecordException;
import storelog.api.NewRecord;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.StoreLogException;
import storelog.api.spi.StorageEngine;
import storelog.gostorelog.ImportReport.Outcome;
import storelog.gostorelog.ImportReport.PartitionResult;

/**
 * Imports a GoStoreLog data directory into a {@link StorageEngine}, keeping every record's offset,
 * data type and payload. Partitions are imported one after the other, in directory name order, each
 * with {@link StorageEngine#appendAt} in batches of at most {@code batchRecords} records or
 * {@code batchBytes} payload bytes (a larger record goes alone).
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Timestamps.</b> GoStoreLog stored none, so every imported record gets the same one: the
 *       clock's time when {@link #importInto} starts (in {@link ImportReport#timestamp()}).</li>
 *   <li><b>Names.</b> See {@link #partitionKeyFor}: {@code gaps} becomes {@code __gaps}; other names
 *       are keys as they are; a name that is not a valid key, or is reserved, is skipped.</li>
 *   <li><b>Offsets.</b> StoreLog partitions start at offset 0 and the import keeps original offsets,
 *       so a partition whose first segment's base is not 0 is skipped (never renumbered). A partition
 *       directory without segments, or whose segments hold no records, is skipped: there is nothing
 *       to create.</li>
 *   <li><b>Existing data.</b> A target partition that already holds records is skipped, whatever
 *       they are, so data is never mixed; import into an empty engine or delete the partition first.</li>
 *   <li><b>Damage and invalid payloads.</b> The records are read with every check of
 *       {@link GoRecordCursor} and turned into {@link NewRecord}s, which check each payload against its
 *       type (JSON must parse, strings must be UTF-8). The first problem fails the partition: the
 *       records before it are appended (a gap-free prefix, offsets 0 to n-1), none from it on, and the
 *       report says which file, position and offset. Nothing is ever altered to make it fit.</li>
 *   <li><b>Storage errors.</b> A batch the engine refuses ({@link StoreLogException}) fails the
 *       partition with the engine's message; earlier batches stay. The import goes on with the next
 *       partition.</li>
 * </ul>
 * Reading the source directory itself failing ({@link IOException}) ends the import.
 */
public final class GoStoreLogImport {

    /** Default most records per append. */
    public static final int DEFAULT_BATCH_RECORDS = 1000;
    /** Default most payload bytes per append (4 MiB). */
    public static final long DEFAULT_BATCH_BYTES = 4L << 20;
    /** GoStoreLog's internal partition of gap observations. */
    public static final String GAPS_DIRECTORY = "gaps";
    /** StoreLog's internal partition it is imported into. */
    public static final PartitionKey GAPS_PARTITION = PartitionKey.of("__gaps");

    private final Clock clock;
    private final int batchRecords;
    private final long batchBytes;

    /** An importer with the system clock and the default batch limits. */
    public GoStoreLogImport() {
        this(Clock.systemUTC(), DEFAULT_BATCH_RECORDS, DEFAULT_BATCH_BYTES);
    }

    /**
     * An importer.
     *
     * @param clock        gives the imported records' timestamp
     * @param batchRecords most records per append (at least 1)
     * @param batchBytes   most payload bytes per append (at least 1; a larger record goes alone)
     */
    public GoStoreLogImport(Clock clock, int batchRecords, long batchBytes) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (batchRecords < 1 || batchBytes < 1) {
            throw new IllegalArgumentException("batch limits must be positive: " + batchRecords + " records, "
                    + batchBytes + " bytes");
        }
        this.batchRecords = batchRecords;
        this.batchBytes = batchBytes;
    }

    /**
     * The StoreLog partition a GoStoreLog directory name maps to: {@value #GAPS_DIRECTORY} becomes
     * {@code __gaps}; any other name is the key as it is.
     *
     * @throws InvalidPartitionKeyException when the name is not a valid key (empty, over 255 UTF-8
     *                                      bytes) or starts with {@code __}, which StoreLog reserves for
     *                                      its internal partitions
     */
    public static PartitionKey partitionKeyFor(String directoryName) {
        if (GAPS_DIRECTORY.equals(directoryName)) {
            return GAPS_PARTITION;
        }
        PartitionKey key = PartitionKey.of(directoryName);
        if (key.isReserved()) {
            throw new InvalidPartitionKeyException("partition key " + key + " starts with \""
                    + PartitionKey.RESERVED_PREFIX + "\", which StoreLog reserves for its internal partitions");
        }
        return key;
    }

    /**
     * Imports every partition of a GoStoreLog data directory (see the class rules).
     *
     * @param source   the GoStoreLog data directory (read only)
     * @param target   the engine to append to; it stays open
     * @param progress called after every appended batch and once per partition when it is done
     * @return what was imported, skipped and failed
     * @throws IOException when the source directory cannot be opened or listed
     */
    public ImportReport importInto(Path source, StorageEngine target, Consumer<? super ImportProgress> progress)
            throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(progress, "progress");
        GoStoreLogDirectory directory = GoStoreLogDirectory.open(source);
        List<GoPartition> partitions = directory.partitions();
        Run run = new Run(target, progress, clock.millis());
        for (GoPartition partition : partitions) {
            try {
                run.recordsTotal += partition.indexedRecords();
                run.bytesTotal += partition.storeBytes();
            } catch (IOException e) {
                // counted as nothing; the import of that partition reports the problem
            }
        }
        List<PartitionResult> results = new ArrayList<>();
        for (GoPartition partition : partitions) {
            PartitionResult result = run.importPartition(partition);
            results.add(result);
            run.report(partition.name(), result.records(), true);
        }
        return new ImportReport(directory.root(), run.timestamp, results);
    }

    /** One import's state and counters. */
    private final class Run {
        private final StorageEngine target;
        private final Consumer<? super ImportProgress> progress;
        private final long timestamp;
        private long recordsTotal;
        private long bytesTotal;
        private long recordsDone;
        private long bytesDone;

        Run(StorageEngine target, Consumer<? super ImportProgress> progress, long timestamp) {
            this.target = target;
            this.progress = progress;
            this.timestamp = timestamp;
        }

        PartitionResult importPartition(GoPartition partition) {
            String name = partition.name();
            PartitionKey key;
            try {
                if (!partition.nameIsExact()) {
                    return skipped(name, null, "the directory name is not valid in the JVM's file name encoding ("
                            + System.getProperty("sun.jnu.encoding") + "), so its key cannot be known exactly");
                }
                key = partitionKeyFor(name);
            } catch (InvalidPartitionKeyException e) {
                return skipped(name, null, "not a valid StoreLog partition key: " + e.getMessage());
            }
            List<GoSegment> segments;
            try {
                segments = partition.segments();
            } catch (IOException e) {
                return new PartitionResult(name, key, Outcome.FAILED, 0, 0, e.getMessage());
            }
            if (segments.isEmpty()) {
                return skipped(name, key, "no segment files: an empty partition has nothing to import");
            }
            long first = segments.getFirst().base();
            if (first != 0) {
                return skipped(name, key, "its first segment starts at offset " + first + " (" + segments.getFirst().index()
                        + "); StoreLog partitions start at 0 and the import keeps original offsets, so it is not imported");
            }
            Optional<PartitionInfo> existing = target.info(key);
            if (existing.isPresent() && existing.get().nextOffset() != 0) {
                return skipped(name, key, "the target partition " + key + " already holds records (next offset "
                        + existing.get().nextOffset() + "); the import only fills empty partitions, so data is never mixed");
            }
            return copy(partition, key);
        }

        private PartitionResult copy(GoPartition partition, PartitionKey key) {
            ImportBatch batch = new ImportBatch(target, partition.name(), key, batchRecords, batchBytes,
                    (records, frameBytes, partitionRecords) -> {
                        recordsDone += records;
                        bytesDone += frameBytes;
                        report(partition.name(), partitionRecords, false);
                    });
            String problem = null;
            try (GoRecordCursor cursor = partition.records()) {
                for (GoRecord r = cursor.next(); r != null; r = cursor.next()) {
                    NewRecord record;
                    try {
                        record = new NewRecord(r.type(), r.payload(), timestamp);
                    } catch (InvalidRecordException e) {
                        problem = r.store() + " @" + r.position() + " offset " + r.offset() + ": " + e.getMessage()
                                + "; no record from this offset on is imported";
                        break;
                    }
                    batch.add(record, r.frameSize());
                }
            } catch (GoStoreLogFormatException e) {
                problem = e.getMessage();
            } catch (IOException e) {
                problem = "cannot read " + partition.directory() + ": " + e;
            } catch (StoreLogException e) {
                return batch.result(Outcome.FAILED, batch.storageProblem(e));
            }
            try {
                batch.flush();
            } catch (StoreLogException e) {
                return batch.result(Outcome.FAILED, batch.storageProblem(e));
            }
            if (problem != null) {
                return batch.result(Outcome.FAILED, problem);
            }
            return batch.appended() == 0 ? batch.result(Outcome.SKIPPED, "its segments hold no records")
                    : batch.result(Outcome.IMPORTED, null);
        }

        private PartitionResult skipped(String directory, PartitionKey key, String reason) {
            return new PartitionResult(directory, key, Outcome.SKIPPED, 0, 0, reason);
        }

        private void report(String directory, long partitionRecords, boolean partitionDone) {
            progress.accept(new ImportProgress(directory, partitionRecords, partitionDone,
                    recordsDone, recordsTotal, bytesDone, bytesTotal));
        }
    }
}
