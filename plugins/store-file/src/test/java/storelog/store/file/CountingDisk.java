package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A local disk that counts the entries read from {@code DATA_DIR} and the partition directories looked at. */
final class CountingDisk extends LocalDisk {
    private final Path data;
    final AtomicInteger rootEntries = new AtomicInteger();
    final Set<Path> statted = ConcurrentHashMap.newKeySet();
    volatile Path failing;

    CountingDisk(Path data) {
        this.data = data;
    }

    @Override
    public boolean directoryExists(Path d) throws IOException {
        if (d.equals(failing)) {
            throw new IOException("injected: cannot stat " + d);
        }
        statted.add(d);
        return super.directoryExists(d);
    }

    @Override
    public DirectoryStream<Path> entries(Path d) throws IOException {
        DirectoryStream<Path> entries = super.entries(d);
        if (!d.equals(data)) {
            return entries;
        }
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> all = entries.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return all.hasNext();
                    }

                    @Override
                    public Path next() {
                        rootEntries.incrementAndGet();
                        return all.next();
                    }
                };
            }

            @Override
            public void close() throws IOException {
                entries.close();
            }
        };
    }

    @Override
    public List<Path> list(Path d) throws IOException {
        assertThat(d).as("DATA_DIR is never listed whole").isNotEqualTo(data);
        return super.list(d);
    }
}
