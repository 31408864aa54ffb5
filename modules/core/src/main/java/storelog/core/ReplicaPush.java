package storelog.core;

import java.util.List;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * One push of a leader to a follower's {@code /replicate}, as the leader reads it from its own log:
 * the fields of {@link WireFormat.ReplicaBatch} with the stored {@link Record}s (no second copy of the
 * payloads). Both bodies are written from it, JSON ({@link WireFormat#replicateJson}) and binary
 * ({@link ReplicateFrame#encode}), and both decode to the same {@link WireFormat.ReplicaBatch}.
 *
 * @param epochStart where the leader's epoch starts in the partition; not above 0 means "not given" (-1 on the
 *                   follower), as the JSON body leaves the field out then
 */
public record ReplicaPush(PartitionKey partition, long offset, long epoch, long recordEpoch, long prevEpoch, long leaderNext,
                          long committed, long epochStart, List<Record> records) {

    /** The {@code epoch_start} a follower reads: the value when above 0, -1 (not given) otherwise. */
    long sentEpochStart() {
        return epochStart > 0 ? epochStart : -1;
    }
}
