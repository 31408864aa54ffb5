package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/** The open-files LRU: bounded, keeps the most recently used files open, counts its hits and misses. */
class OpenFilesTest {

    private static final int CAPACITY = 64;

    @Test
    void theMostRecentlyUsedFilesStayOpenAndHitsAndMissesAreCounted(TestInfo test) throws IOException {
        Path dir = TestData.directory(test);
        Path[] files = new Path[100];
        for (int i = 0; i < files.length; i++) {
            files[i] = Files.writeString(dir.resolve("f" + i), "x");
        }
        try (OpenFiles open = new OpenFiles(Disk.LOCAL, CAPACITY)) {
            for (Path f : files) {
                open.acquire(f).close();
                assertThat(open.openCount()).isLessThanOrEqualTo(CAPACITY);
            }
            assertThat(open.misses()).isEqualTo(100);
            assertThat(open.hits()).isZero();
            int recent = CAPACITY - CAPACITY / 8;
            for (int i = files.length - recent; i < files.length; i++) {
                open.acquire(files[i]).close();
            }
            assertThat(open.hits()).as("the %d most recently used are still open", recent).isEqualTo(recent);
            assertThat(open.misses()).isEqualTo(100);
            open.acquire(files[0]).close();
            assertThat(open.misses()).as("the least recently used was closed").isEqualTo(101);
        }
    }

    @Test
    void aDemotedFileIsTheFirstClosedUnlessItIsUsedAgain(TestInfo test) throws IOException {
        Path dir = TestData.directory(test);
        Path[] files = new Path[CAPACITY + 2];
        for (int i = 0; i < files.length; i++) {
            files[i] = Files.writeString(dir.resolve("f" + i), "x");
        }
        try (OpenFiles open = new OpenFiles(Disk.LOCAL, CAPACITY)) {
            for (int i = 0; i < CAPACITY; i++) {
                OpenFiles.Handle handle = open.acquire(files[i]);
                if (i == CAPACITY - 1 || i == CAPACITY - 2) {
                    handle.demote(); // the two most recently used
                }
                handle.close();
            }
            open.acquire(files[CAPACITY - 2]).close(); // used again: demoted no more
            open.acquire(files[CAPACITY]).close(); // over capacity: the demoted one goes first, then the oldest
            long misses = open.misses();
            open.acquire(files[CAPACITY - 2]).close();
            open.acquire(files[CAPACITY]).close();
            assertThat(open.misses()).as("the file used again and the newest stay open").isEqualTo(misses);
            open.acquire(files[CAPACITY - 1]).close();
            assertThat(open.misses()).as("the demoted file was closed").isEqualTo(misses + 1);
        }
    }

    /** Demoting orders eviction only: a demoted file in use stays open through evictions until its user lets it go (review3). */
    @Test
    void aDemotedFileInUseIsNotClosedUnderItsUser(TestInfo test) throws IOException {
        Path dir = TestData.directory(test);
        Path[] files = new Path[2 * CAPACITY];
        for (int i = 0; i < files.length; i++) {
            files[i] = Files.writeString(dir.resolve("f" + i), "x" + i);
        }
        try (OpenFiles open = new OpenFiles(Disk.LOCAL, CAPACITY)) {
            OpenFiles.Handle held = open.acquire(files[0]);
            held.demote();
            for (int i = 1; i < files.length; i++) {
                open.acquire(files[i]).close(); // evictions, the demoted file first in line
            }
            ByteBuffer two = ByteBuffer.allocate(2);
            assertThat(held.channel().read(two, 0)).as("the demoted file still reads for its user").isEqualTo(2);
            assertThat(new String(two.array(), StandardCharsets.UTF_8)).isEqualTo("x0");
            held.close();
            assertThat(open.openCount()).isLessThanOrEqualTo(CAPACITY + 1);
        }
    }

    /** Opens of one file wait at a gate; all opens are counted. */
    private static final class SlowOpens extends LocalDisk {
        final Faults.Gate gate = new Faults.Gate();
        final AtomicInteger opens = new AtomicInteger();
        volatile Path slow;

        @Override
        public FileChannel open(Path path, OpenOption... options) throws IOException {
            opens.incrementAndGet();
            if (path.equals(slow)) {
                gate.pass();
            }
            return super.open(path, options);
        }
    }

    @Test
    void anOpenThatTakesLongHoldsUpNoOtherFile(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Path slow = Files.writeString(dir.resolve("slow"), "x");
        Path other = Files.writeString(dir.resolve("other"), "x");
        SlowOpens disk = new SlowOpens();
        disk.slow = slow;
        try (OpenFiles open = new OpenFiles(disk, CAPACITY); ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            disk.gate.arm();
            Future<?> stuck = threads.submit(() -> {
                open.acquire(slow).close();
                return null;
            });
            disk.gate.awaitBlocked();
            Future<?> meanwhile = threads.submit(() -> {
                open.acquire(other).close();
                return null;
            });
            meanwhile.get(20, TimeUnit.SECONDS); // it used to wait for the lock the slow open held
            disk.gate.release();
            stuck.get(20, TimeUnit.SECONDS);
            assertThat(open.misses()).isEqualTo(2);
        }
    }

    @Test
    void aFileForgottenWhileItWasBeingOpenedIsOpenedAgain(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Path file = Files.writeString(dir.resolve("f"), "old");
        SlowOpens disk = new SlowOpens();
        disk.slow = file;
        try (OpenFiles open = new OpenFiles(disk, CAPACITY); ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            disk.gate.arm();
            Future<OpenFiles.Handle> acquired = threads.submit(() -> open.acquire(file));
            disk.gate.awaitBlocked(); // its descriptor is of the old file
            open.forget(file);
            Path replacement = Files.writeString(dir.resolve("f.new"), "new!");
            Files.move(replacement, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            disk.gate.release();
            try (OpenFiles.Handle handle = acquired.get(20, TimeUnit.SECONDS)) {
                assertThat(handle.channel().size()).as("the renamed-over file, not the old one").isEqualTo(4);
            }
            assertThat(disk.opens).hasValue(2);
            try (OpenFiles.Handle again = open.acquire(file)) {
                assertThat(again.channel().size()).isEqualTo(4);
            }
        }
    }
}
