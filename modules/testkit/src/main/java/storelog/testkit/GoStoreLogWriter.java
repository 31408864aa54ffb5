package storelog.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes GoStoreLog's on-disk format, for tests: per partition {@code segment_<base>.store} (frames
 * {@code u32 BE length = payload + 1, u8 data_type, payload}) and {@code segment_<base>.index}
 * (16-byte entries {@code u64 BE offset, u64 BE position}). A segment rolls when the next frame would
 * take its store file past {@code maxSegmentBytes} (a larger frame gets a segment of its own).
 * Frames are written raw, so tests can store what GoStoreLog should not have (bad type bytes, bad JSON).
 */
public final class GoStoreLogWriter {

    /** One record as written: its data type byte and payload. */
    public record Frame(int type, byte[] payload) {

        public static Frame json(String text) {
            return new Frame(0, text.getBytes(StandardCharsets.UTF_8));
        }

        public static Frame bytes(byte[] bytes) {
            return new Frame(1, bytes);
        }

        public static Frame string(String text) {
            return new Frame(2, text.getBytes(StandardCharsets.UTF_8));
        }

        public int size() {
            return 5 + payload.length;
        }
    }

    /** Where a written record's frame is: the segment's files and the frame's byte position. */
    public record Written(long offset, Path store, Path index, long position, long indexPosition) {
    }

    private final Path root;
    private final long maxSegmentBytes;

    public GoStoreLogWriter(Path root, long maxSegmentBytes) {
        this.root = root;
        this.maxSegmentBytes = maxSegmentBytes;
    }

    /** Writes a partition from offset 0. */
    public List<Written> write(String partition, List<Frame> frames) {
        return write(partition, 0, frames);
    }

    /** Writes a partition whose first record has {@code firstOffset}; returns where each record went. */
    public List<Written> write(String partition, long firstOffset, List<Frame> frames) {
        try {
            Path dir = Files.createDirectories(root.resolve(partition));
            List<Written> written = new ArrayList<>();
            List<Frame> segment = new ArrayList<>();
            long base = firstOffset;
            long size = 0;
            for (Frame frame : frames) {
                if (!segment.isEmpty() && size + frame.size() > maxSegmentBytes) {
                    written.addAll(writeSegment(dir, base, segment));
                    base += segment.size();
                    segment.clear();
                    size = 0;
                }
                segment.add(frame);
                size += frame.size();
            }
            written.addAll(writeSegment(dir, base, segment));
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Written> writeSegment(Path dir, long base, List<Frame> frames) throws IOException {
        ByteArrayOutputStream storeBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream indexBytes = new ByteArrayOutputStream();
        DataOutputStream store = new DataOutputStream(storeBytes);
        DataOutputStream index = new DataOutputStream(indexBytes);
        Path storeFile = dir.resolve("segment_" + base + ".store");
        Path indexFile = dir.resolve("segment_" + base + ".index");
        List<Written> written = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Frame frame = frames.get(i);
            written.add(new Written(base + i, storeFile, indexFile, store.size(), index.size()));
            index.writeLong(base + i);
            index.writeLong(store.size());
            store.writeInt(frame.payload().length + 1);
            store.writeByte(frame.type());
            store.write(frame.payload());
        }
        Files.write(storeFile, storeBytes.toByteArray());
        Files.write(indexFile, indexBytes.toByteArray());
        return written;
    }
}
