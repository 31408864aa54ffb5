package storelog.gostorelog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import storelog.api.NewRecord;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StoreLogException;
import storelog.api.spi.StorageEngine;

/** A StorageEngine that passes everything to a real one, records each append and can fail one on purpose. */
final class RecordingEngine implements StorageEngine {

    /** One appendAt call. */
    record Append(PartitionKey partition, long expectedOffset, int records, long payloadBytes) {
    }

    private final StorageEngine delegate;
    private final List<Append> appends = new ArrayList<>();
    private PartitionKey failPartition;
    private int failOnAppend;
    private StoreLogException failure;

    RecordingEngine(StorageEngine delegate) {
        this.delegate = delegate;
    }

    /** Makes the {@code n}th append (1-based) to {@code partition} throw {@code e} instead. */
    void failAppend(PartitionKey partition, int n, StoreLogException e) {
        this.failPartition = partition;
        this.failOnAppend = n;
        this.failure = e;
    }

    List<Append> appends() {
        return List.copyOf(appends);
    }

    @Override
    public long append(PartitionKey partition, List<NewRecord> records) {
        throw new AssertionError("the import must append at explicit offsets only");
    }

    @Override
    public long appendAt(PartitionKey partition, long expectedOffset, List<NewRecord> records) {
        if (partition.equals(failPartition) && appends.stream().filter(a -> a.partition().equals(partition)).count() + 1 == failOnAppend) {
            failPartition = null;
            throw failure;
        }
        long first = delegate.appendAt(partition, expectedOffset, records);
        appends.add(new Append(partition, expectedOffset, records.size(),
                records.stream().mapToLong(r -> r.payload().length).sum()));
        return first;
    }

    @Override
    public Record read(PartitionKey partition, long offset) {
        return delegate.read(partition, offset);
    }

    @Override
    public List<Record> read(PartitionKey partition, long fromOffset, int maxRecords, long maxBytes) {
        return delegate.read(partition, fromOffset, maxRecords, maxBytes);
    }

    @Override
    public Optional<PartitionInfo> info(PartitionKey partition) {
        return delegate.info(partition);
    }

    @Override
    public List<PartitionInfo> partitions() {
        return delegate.partitions();
    }

    @Override
    public void truncate(PartitionKey partition, long fromOffset) {
        delegate.truncate(partition, fromOffset);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
