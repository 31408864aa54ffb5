package storelog.api;

/**
 * What a partition holds: the offset its next record gets (so offsets {@code 0..nextOffset-1}
 * exist), how many segments store it and their total size in bytes.
 */
public record PartitionInfo(PartitionKey partition, long nextOffset, int segments, long bytes) {
}
