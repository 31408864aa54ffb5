package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * {@link OpenFiles} opening and closing files outside its lock (review): readers, evictions (capacity
 * 2 for 8 files), files renamed over and forgotten (as an index rebuild does), and the close, all at
 * once. A handle is never closed under its user; after a forget returned, no acquisition hands out the
 * replaced file; every descriptor opened is closed in the end, even one opened while the set closed.
 */
class OpenFilesRaceTest {

    private static final int FILES = 8;
    private static final int ROUNDS = 2_000;

    /** Keeps every channel it opened, to check none is left open. */
    private static final class TrackingDisk extends LocalDisk {
        final ConcurrentLinkedQueue<FileChannel> opened = new ConcurrentLinkedQueue<>();

        @Override
        public FileChannel open(Path path, OpenOption... options) throws IOException {
            FileChannel channel = super.open(path, options);
            opened.add(channel);
            return channel;
        }
    }

    private static String content(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        channel.read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }

    @Test
    void readersEvictionsReplacementsAndTheCloseNeverShareAClosedOrStaleDescriptor(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Path[] files = new Path[FILES];
        int[] generation = new int[FILES];
        for (int i = 0; i < FILES; i++) {
            files[i] = Files.writeString(dir.resolve("f" + i), "f" + i + "-g0");
        }
        TrackingDisk disk = new TrackingDisk();
        OpenFiles open = new OpenFiles(disk, 2);
        List<Future<?>> work = new ArrayList<>();
        CountDownLatch halfway = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 6; t++) {
                int seed = t;
                work.add(threads.submit(() -> {
                    for (int r = 0; r < ROUNDS; r++) {
                        int i = (seed * 31 + r * 7) % FILES;
                        int before;
                        synchronized (generation) {
                            before = generation[i];
                        }
                        OpenFiles.Handle handle;
                        try {
                            handle = open.acquire(files[i]);
                        } catch (IllegalStateException closed) {
                            return null; // the set closed
                        }
                        try (handle) {
                            String text = content(handle.channel()); // throws ClosedChannelException if closed under its user
                            int seen = Integer.parseInt(text.substring(text.indexOf("-g") + 2));
                            assertThat(seen).as("f%d: a forget that returned before the acquisition began replaced %d", i, before)
                                    .isGreaterThanOrEqualTo(before);
                        }
                    }
                    return null;
                }));
            }
            work.add(threads.submit(() -> { // the index rebuilds: a new file renamed over, then forgotten
                for (int r = 1; r <= ROUNDS / 4; r++) {
                    int i = r % FILES;
                    Path next = Files.writeString(dir.resolve("f" + i + ".new"), "f" + i + "-g" + r);
                    Files.move(next, files[i], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    open.forget(files[i]);
                    synchronized (generation) {
                        generation[i] = r;
                    }
                    if (r == ROUNDS / 8) {
                        halfway.countDown();
                    }
                }
                return null;
            }));
            halfway.await(60, TimeUnit.SECONDS);
            open.close(); // while readers acquire
            for (Future<?> f : work) {
                f.get(120, TimeUnit.SECONDS);
            }
        }
        assertThat(disk.opened).as("descriptors left open after the close and the last release")
                .filteredOn(FileChannel::isOpen).isEmpty();
    }
}
