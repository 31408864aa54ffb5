package storelog.api.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import storelog.api.EpochStart;
import storelog.api.NewRecord;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * A {@link StorageEngine} that passes every call to another one: the base of decorators (metrics,
 * tracing, fault injection in tests) that override only what they change.
 */
public abstract class ForwardingStorageEngine implements StorageEngine {

    private final StorageEngine delegate;

    protected ForwardingStorageEngine(StorageEngine delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The engine calls are passed to. */
    protected StorageEngine delegate() {
        return delegate;
    }

    @Override
    public long append(PartitionKey partition, List<NewRecord> records) {
        return delegate.append(partition, records);
    }

    @Override
    public long appendAt(PartitionKey partition, long expectedOffset, List<NewRecord> records) {
        return delegate.appendAt(partition, expectedOffset, records);
    }

    @Override
    public long append(PartitionKey partition, long epoch, List<NewRecord> records) {
        return delegate.append(partition, epoch, records);
    }

    @Override
    public long appendAt(PartitionKey partition, long expectedOffset, long epoch, List<NewRecord> records) {
        return delegate.appendAt(partition, expectedOffset, epoch, records);
    }

    @Override
    public void startEpoch(PartitionKey partition, long epoch, long startOffset) {
        delegate.startEpoch(partition, epoch, startOffset);
    }

    @Override
    public List<EpochStart> epochs(PartitionKey partition) {
        return delegate.epochs(partition);
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
    public Map<String, Long> metrics() {
        return delegate.metrics();
    }

    @Override
    public void serving() {
        delegate.serving();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
