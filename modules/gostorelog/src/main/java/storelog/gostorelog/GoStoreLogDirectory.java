package storelog.gostorelog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A GoStoreLog data directory, opened read-only. Every sub-directory is a partition, whatever its
 * name (whether the name is usable as a StoreLog key is the importer's question); regular files
 * directly in the data directory are not GoStoreLog data and are ignored.
 */
public final class GoStoreLogDirectory {

    private final Path root;

    private GoStoreLogDirectory(Path root) {
        this.root = root;
    }

    /**
     * Opens a GoStoreLog data directory. Nothing is read until {@link #partitions()}.
     *
     * @throws NoSuchFileException   when {@code root} does not exist
     * @throws NotDirectoryException when it is not a directory
     */
    public static GoStoreLogDirectory open(Path root) throws IOException {
        Path dir = root.toAbsolutePath().normalize();
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "GoStoreLog data directory does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
        return new GoStoreLogDirectory(dir);
    }

    /** The data directory (absolute). */
    public Path root() {
        return root;
    }

    /** The partitions (sub-directories), sorted by directory name. */
    public List<GoPartition> partitions() throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(Files::isDirectory)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .map(GoPartition::new)
                    .toList();
        }
    }

    @Override
    public String toString() {
        return "GoStoreLog data directory " + root;
    }
}
