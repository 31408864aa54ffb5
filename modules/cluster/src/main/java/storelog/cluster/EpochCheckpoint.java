package storelog.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import storelog.api.StorageFailedException;

/**
 * The highest epoch this node has seen, kept on disk so that no restart lowers it (docs/cluster.md
 * "Epochs"). The file {@code epoch} in the cluster state directory holds two lines:
 * <pre>
 * epoch=&lt;decimal&gt;
 * crc32c=&lt;8 hex digits: CRC-32C of the first line, its newline included&gt;
 * </pre>
 * A raise writes {@code epoch.tmp}, fsyncs it, renames it over {@code epoch} and fsyncs the directory
 * before it returns, so the new value is durable before anyone acts on it. A file that fails its
 * check stops start-up: starting from 0 would let this node accept a deposed leader.
 *
 * <p>Thread-safe. {@link #highest()} does not block.
 */
final class EpochCheckpoint {

    static final String FILE = "epoch";

    private final Path file;
    private volatile long highest;

    private EpochCheckpoint(Path file, long highest) {
        this.file = file;
        this.highest = highest;
    }

    /**
     * Opens (creating the directory) and reads the checkpoint; a node that never saw an epoch starts at 0.
     *
     * @throws StorageFailedException when the file cannot be read or is damaged
     */
    static EpochCheckpoint open(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(FILE + ".tmp"));
            return new EpochCheckpoint(file, read(file));
        } catch (NoSuchFileException e) {
            return new EpochCheckpoint(file, 0);
        } catch (IOException e) {
            throw new StorageFailedException("cannot read the epoch checkpoint " + file + ": " + e, e);
        }
    }

    private static long read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        if (lines.length != 3 || !lines[2].isEmpty() || !lines[0].startsWith("epoch=") || !lines[1].startsWith("crc32c=")
                || !lines[1].substring("crc32c=".length()).equals(crc(lines[0] + "\n"))) {
            throw new StorageFailedException("the epoch checkpoint " + file + " is damaged (it fails its CRC-32C check); "
                    + "StoreLog will not start from a lower epoch. Restore the file, or write a value at least as high as "
                    + "any epoch of the cluster as 'epoch=<n>' with its checksum (see docs/cluster.md)");
        }
        try {
            long epoch = Long.parseLong(lines[0].substring("epoch=".length()));
            if (epoch < 0) {
                throw new NumberFormatException("negative");
            }
            return epoch;
        } catch (NumberFormatException e) {
            throw new StorageFailedException("the epoch checkpoint " + file + " holds no epoch: " + lines[0]);
        }
    }

    /** The highest epoch seen so far. */
    long highest() {
        return highest;
    }

    /**
     * Makes {@code epoch} the highest seen if it is higher, durably, before returning.
     *
     * @return whether it was higher
     * @throws StorageFailedException when the write fails (the value in memory is unchanged)
     */
    synchronized boolean raise(long epoch) {
        if (epoch <= highest) {
            return false;
        }
        write(epoch);
        highest = epoch;
        return true;
    }

    private void write(long epoch) {
        String line = "epoch=" + epoch + "\n";
        byte[] bytes = (line + "crc32c=" + crc(line) + "\n").getBytes(StandardCharsets.UTF_8);
        Path temporary = file.resolveSibling(FILE + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer src = ByteBuffer.wrap(bytes);
                while (src.hasRemaining()) {
                    channel.write(src);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new StorageFailedException("cannot write the epoch checkpoint " + file + " (epoch " + epoch + "): " + e, e);
        }
    }

    private static String crc(String line) {
        CRC32C crc = new CRC32C();
        crc.update(line.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
