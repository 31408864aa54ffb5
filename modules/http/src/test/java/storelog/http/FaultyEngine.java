package storelog.http;

import java.nio.file.Path;
import java.util.List;
import storelog.api.CorruptRecordException;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StorageFailedException;
import storelog.api.StorageFullException;
import storelog.api.spi.ForwardingStorageEngine;
import storelog.api.spi.StorageEngine;

/**
 * The real engine, except for a few partition keys that make it fail the way a bad disk or a bug
 * would, so the HTTP error mapping can be seen from outside: {@code boom} (an unexpected bug),
 * {@code full} (disk full), {@code failed} (failed closed), {@code corrupt} (damaged record).
 */
final class FaultyEngine extends ForwardingStorageEngine {

    FaultyEngine(StorageEngine real) {
        super(real);
    }

    private static void fail(PartitionKey key) {
        switch (key.value()) {
            case "boom" -> throw new IllegalStateException("a bug");
            case "unreplicated" -> throw new storelog.core.NotEnoughReplicasException("stored here but not acknowledged", true);
            case "unstored" -> throw new storelog.core.NotEnoughReplicasException("nothing was stored", false);
            case "full" -> throw new StorageFullException("the disk under /data/full is full: the append to partition \"full\""
                    + " was not stored (No space left on device)", null);
            case "failed" -> throw new StorageFailedException("partition \"failed\" refuses writes after a storage failure "
                    + "(java.nio.file.AccessDeniedException: /data/failed/segment_0.index); it recovers when StoreLog restarts");
            case "corrupt" -> throw new CorruptRecordException("record 0 of partition \"corrupt\" is damaged: CRC-32C mismatch",
                    Path.of("/data/corrupt/segment_0.store"), 16);
            default -> { }
        }
    }

    @Override
    public long append(PartitionKey partition, List<NewRecord> records) {
        fail(partition);
        return super.append(partition, records);
    }

    @Override
    public long appendAt(PartitionKey partition, long expectedOffset, List<NewRecord> records) {
        fail(partition);
        return super.appendAt(partition, expectedOffset, records);
    }

    @Override
    public long append(PartitionKey partition, long epoch, List<NewRecord> records) {
        fail(partition);
        return super.append(partition, epoch, records);
    }

    @Override
    public long appendAt(PartitionKey partition, long expectedOffset, long epoch, List<NewRecord> records) {
        fail(partition);
        return super.appendAt(partition, expectedOffset, epoch, records);
    }

    @Override
    public Record read(PartitionKey partition, long offset) {
        fail(partition);
        return super.read(partition, offset);
    }

    @Override
    public List<Record> read(PartitionKey partition, long fromOffset, int maxRecords, long maxBytes) {
        fail(partition);
        return super.read(partition, fromOffset, maxRecords, maxBytes);
    }

}
