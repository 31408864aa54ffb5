package storelog.gostorelog;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import storelog.api.PartitionKey;

/**
 * What an import did, partition by partition.
 *
 * @param source     the GoStoreLog data directory
 * @param timestamp  the timestamp (epoch ms) every imported record got
 * @param partitions one result per partition directory, in directory name order
 */
public record ImportReport(Path source, long timestamp, List<PartitionResult> partitions) {

    public ImportReport {
        Objects.requireNonNull(source, "source");
        partitions = List.copyOf(partitions);
    }

    /** How a partition ended. */
    public enum Outcome {
        /** Every record was appended. */
        IMPORTED,
        /** Nothing was appended, by rule (invalid or reserved name, no records, not starting at 0, target not empty). */
        SKIPPED,
        /** A problem stopped it (damaged data, payload not of its type, storage error); records before it were appended. */
        FAILED
    }

    /**
     * One partition's result.
     *
     * @param directory the GoStoreLog directory name
     * @param partition the StoreLog partition written to, or null when the name is not usable
     * @param outcome   how it ended
     * @param records   records appended (offsets 0 to records - 1)
     * @param bytes     payload bytes appended
     * @param reason    why it was skipped or failed (naming file and position for damage); null when imported
     */
    public record PartitionResult(String directory, PartitionKey partition, Outcome outcome, long records, long bytes,
                                  String reason) {

        public PartitionResult {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(outcome, "outcome");
            if ((outcome == Outcome.IMPORTED) != (reason == null)) {
                throw new IllegalArgumentException("a reason is required exactly when the outcome is not IMPORTED");
            }
        }

        @Override
        public String toString() {
            String target = partition == null ? "" : " -> " + partition;
            return directory + target + ": " + outcome.name().toLowerCase(java.util.Locale.ROOT) + ", "
                    + records + " records, " + bytes + " bytes" + (reason == null ? "" : ": " + reason);
        }
    }

    /** The partitions with this outcome. */
    public List<PartitionResult> with(Outcome outcome) {
        return partitions.stream().filter(p -> p.outcome() == outcome).toList();
    }

    /** Records appended, all partitions. */
    public long records() {
        return partitions.stream().mapToLong(PartitionResult::records).sum();
    }

    /** Payload bytes appended, all partitions. */
    public long bytes() {
        return partitions.stream().mapToLong(PartitionResult::bytes).sum();
    }

    /** Whether every partition was imported (none skipped or failed). */
    public boolean isComplete() {
        return partitions.stream().allMatch(p -> p.outcome() == Outcome.IMPORTED);
    }

    /** A multi-line summary: totals, then one line per partition. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append("import of ").append(source).append(": ")
                .append(with(Outcome.IMPORTED).size()).append(" partitions imported, ")
                .append(with(Outcome.SKIPPED).size()).append(" skipped, ")
                .append(with(Outcome.FAILED).size()).append(" failed; ")
                .append(records()).append(" records, ").append(bytes()).append(" payload bytes, timestamp ")
                .append(timestamp);
        partitions.forEach(p -> out.append(System.lineSeparator()).append("  ").append(p));
        return out.toString();
    }
}
