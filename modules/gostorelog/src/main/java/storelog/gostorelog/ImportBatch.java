package storelog.gostorelog;

import java.util.ArrayList;
import java.util.List;
import storelog.api.NewRecord;
import storelog.api.OffsetMismatchException;
import storelog.api.PartitionKey;
import storelog.api.StoreLogException;
import storelog.api.spi.StorageEngine;
import storelog.gostorelog.ImportReport.Outcome;
import storelog.gostorelog.ImportReport.PartitionResult;

/**
 * One partition's records on their way into the target: collected into batches of at most
 * {@code maxRecords} records and {@code maxBytes} payload bytes (a larger record goes alone), each
 * appended with {@link StorageEngine#appendAt} at exactly the offset after the records appended
 * before it, so the partition stays gap-free whatever happens. Not thread-safe.
 */
final class ImportBatch {

    /** Told after every successful append. */
    @FunctionalInterface
    interface Appended {
        void appended(int records, long frameBytes, long partitionRecords);
    }

    private final StorageEngine target;
    private final String directory;
    private final PartitionKey key;
    private final int maxRecords;
    private final long maxBytes;
    private final Appended listener;
    private final List<NewRecord> pending = new ArrayList<>();
    private long pendingPayload;
    private long pendingFrames;
    private long appended;
    private long appendedBytes;

    ImportBatch(StorageEngine target, String directory, PartitionKey key, int maxRecords, long maxBytes,
                Appended listener) {
        this.target = target;
        this.directory = directory;
        this.key = key;
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.listener = listener;
    }

    /**
     * Adds a record, appending the pending batch first when the record would take it past the byte
     * limit, and after when the batch is full.
     *
     * @throws StoreLogException when the engine refuses an append (nothing of that batch is stored)
     */
    void add(NewRecord record, long frameSize) {
        if (!pending.isEmpty() && pendingPayload + record.payload().length > maxBytes) {
            flush();
        }
        pending.add(record);
        pendingPayload += record.payload().length;
        pendingFrames += frameSize;
        if (pending.size() >= maxRecords || pendingPayload >= maxBytes) {
            flush();
        }
    }

    /**
     * Appends the pending records, if any. They are dropped from the batch even when the append fails.
     *
     * @throws StoreLogException when the engine refuses the append
     */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<NewRecord> records = List.copyOf(pending);
        long payload = pendingPayload;
        long frames = pendingFrames;
        pending.clear();
        pendingPayload = 0;
        pendingFrames = 0;
        target.appendAt(key, appended, records);
        appended += records.size();
        appendedBytes += payload;
        listener.appended(records.size(), frames, appended);
    }

    /** Records appended so far: offsets 0 to {@code appended() - 1}. */
    long appended() {
        return appended;
    }

    /** A sentence for a refused append. */
    String storageProblem(StoreLogException e) {
        if (e instanceof OffsetMismatchException) {
            return "the target partition changed during the import: " + e.getMessage();
        }
        return "the target refused the batch from offset " + appended + " (" + e.code() + "): " + e.getMessage();
    }

    /** The partition's result with what was appended. */
    PartitionResult result(Outcome outcome, String reason) {
        return new PartitionResult(directory, key, outcome, appended, appendedBytes, reason);
    }
}
