package storelog.gostorelog;

/**
 * Where an import stands, passed to the progress consumer after every appended batch and once when
 * each partition is done (imported, skipped or failed).
 *
 * <p>The totals come from the file sizes before the import starts (complete index entries, store
 * bytes); the done counts only grow with records actually appended, so a skipped or failed partition
 * leaves them below the totals.
 *
 * @param directory        the GoStoreLog partition directory name being worked on
 * @param partitionRecords records appended to this partition so far
 * @param partitionDone    whether this is the partition's last call
 * @param recordsDone      records appended so far, all partitions
 * @param recordsTotal     records the source's indexes list, all partitions
 * @param bytesDone        store bytes (frames: 5 header bytes + payload) appended so far, all partitions
 * @param bytesTotal       the source's store files' total size
 */
public record ImportProgress(String directory, long partitionRecords, boolean partitionDone,
                             long recordsDone, long recordsTotal, long bytesDone, long bytesTotal) {

    /** Done share of the bytes, 0.0 to 1.0 (1.0 for an empty source). */
    public double fraction() {
        return bytesTotal <= 0 ? 1.0 : Math.min(1.0, (double) bytesDone / bytesTotal);
    }

    /** One line for a terminal, e.g. {@code orders: 12000 records (47.5%, 30000/63000 records, 1197/2520 bytes)}. */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s: %d records%s (%.1f%%, %d/%d records, %d/%d bytes)",
                directory, partitionRecords, partitionDone ? ", done" : "", fraction() * 100,
                recordsDone, recordsTotal, bytesDone, bytesTotal);
    }
}
