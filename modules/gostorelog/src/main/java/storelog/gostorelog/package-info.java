/**
 * Reading GoStoreLog data directories and importing them into a StoreLog
 * {@link storelog.api.spi.StorageEngine}.
 *
 * <h2>GoStoreLog's on-disk format</h2>
 * <pre>
 * &lt;dir&gt;/&lt;partition&gt;/segment_&lt;base&gt;.store   frames: u32 BE length (= payload + 1), u8 data_type, payload
 * &lt;dir&gt;/&lt;partition&gt;/segment_&lt;base&gt;.index   entries of 16 bytes: u64 BE offset, u64 BE byte position of the frame
 * </pre>
 * {@code base} is the decimal offset of the segment's first record; data types are 0 (JSON),
 * 1 (bytes), 2 (string). There are no checksums, timestamps or file headers. A partition's
 * directory name is its raw key; GoStoreLog's servers kept gap observations (JSON) in the
 * partition {@code gaps}.
 *
 * <h2>Reading</h2>
 * {@link storelog.gostorelog.GoStoreLogDirectory} lists partitions, {@link storelog.gostorelog.GoPartition}
 * its segments, and {@link storelog.gostorelog.GoRecordCursor} walks the records, checking every
 * index entry and frame. The first thing that does not fit the format stops the walk with a
 * {@link storelog.gostorelog.GoStoreLogFormatException} naming the file, byte position and problem.
 *
 * <h2>Importing</h2>
 * {@link storelog.gostorelog.GoStoreLogImport} appends each partition's records at their original
 * offsets and reports what it did in an {@link storelog.gostorelog.ImportReport}.
 */
package storelog.gostorelog;
