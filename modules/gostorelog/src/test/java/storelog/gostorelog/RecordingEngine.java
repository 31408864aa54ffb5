package storelog.gostorelog;

import java.util.ArrayList;
import java.util.List;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.StoreLogException;
import storelog.api.spi.ForwardingStorageEngine;
import storelog.api.spi.StorageEngine;

/** A StorageEngine that passes everything to a real one, records each append and can fail one on purpose. */
final class RecordingEngine extends ForwardingStorageEngine {

    /** One appendAt call. */
    record Append(PartitionKey partition, long expectedOffset, int records, long payloadBytes) {
    }

    private final List<Append> appends = new ArrayList<>();
    private PartitionKey failPartition;
    private int failOnAppend;
    private StoreLogException failure;

    RecordingEngine(StorageEngine delegate) {
        super(delegate);
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
    public long append(PartitionKey partition, long epoch, List<NewRecord> records) {
        throw new AssertionError("the import must append at explicit offsets only");
    }

    @Override
    public long appendAt(PartitionKey partition, long expectedOffset, List<NewRecord> records) {
        if (partition.equals(failPartition) && appends.stream().filter(a -> a.partition().equals(partition)).count() + 1 == failOnAppend) {
            failPartition = null;
            throw failure;
        }
        long first = super.appendAt(partition, expectedOffset, records);
        appends.add(new Append(partition, expectedOffset, records.size(),
                records.stream().mapToLong(r -> r.payload().length).sum()));
        return first;
    }

}
