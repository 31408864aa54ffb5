package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;

/** The local disk's fsync descriptor: no channel, so an interrupt neither ends nor hides an fsync, and a lone appender syncs itself. */
class LocalDiskSyncTest {

    @TempDir
    Path dir;

    @Test
    void anInterruptedThreadSyncsAndKeepsItsInterrupt() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "bytes");
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            try (Disk.FileSync sync = Disk.LOCAL.openForSync(file)) {
                assertThat(sync.interruptible()).isFalse();
                sync.sync();
                sync.sync();
                outcome.set(Thread.currentThread().isInterrupted());
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        t.join();
        assertThat(outcome.get()).isEqualTo(true);
    }

    @Test
    void onlyLinuxSyncsThroughADescriptorMacOsNeedsTheChannelsFullFsync() {
        assertThat(LocalDisk.syncsThroughDescriptor("Linux")).isTrue();
        assertThat(LocalDisk.syncsThroughDescriptor("Mac OS X")).as("FileDescriptor.sync is a plain fsync there, no F_FULLFSYNC").isFalse();
        assertThat(LocalDisk.syncsThroughDescriptor("Windows 11")).isFalse();
        assertThat(LocalDisk.syncsThroughDescriptor("FreeBSD")).isFalse();
    }

    @Test
    void aMissingFileIsNotCreatedAndReadsAsNoSuchFile() {
        Path missing = dir.resolve("gone");
        assertThatThrownBy(() -> Disk.LOCAL.openForSync(missing)).isInstanceOf(NoSuchFileException.class);
        assertThat(missing).doesNotExist();
    }

    @Test
    void aDescriptorShortageReadsAsOneAsWithAChannel() {
        IOException e = LocalDisk.asNio(dir.resolve("f"), new FileNotFoundException(dir.resolve("f") + " (Too many open files)"));
        assertThat(IoErrors.isDescriptorShortage(e)).isTrue();
        IOException other = LocalDisk.asNio(dir.resolve("f"), new FileNotFoundException(dir.resolve("f") + " (Permission denied)"));
        assertThat(IoErrors.isDescriptorShortage(other)).isFalse();
        assertThat(other).hasMessageContaining("Permission denied");
    }

    @Test
    void subclassesGetTheChannelOfTheirOpenSoInjectedFaultsApply() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "bytes");
        List<Path> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        Disk injecting = new LocalDisk() {
            @Override
            public FileChannel open(Path f, java.nio.file.OpenOption... options) throws IOException {
                opened.add(f);
                return super.open(f, options);
            }
        };
        try (Disk.FileSync sync = injecting.openForSync(file)) {
            assertThat(sync.interruptible()).isTrue();
            sync.sync();
        }
        assertThat(opened).containsExactly(file);
    }

    @Test
    void aLoneAppenderWithItsInterruptSetIsAcknowledgedAndThePartitionStaysWritable() throws Exception {
        try (FileStorageEngine store = Engines.open(dir.resolve("data"), 1 << 20, FsyncPolicy.ALWAYS)) {
            PartitionKey key = PartitionKey.of("p");
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                Thread.currentThread().interrupt();
                try {
                    store.append(key, List.of(NewRecord.bytes(new byte[] {1}, 1L)));
                    outcome.set(Thread.currentThread().isInterrupted());
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            t.join();
            assertThat(outcome.get()).isEqualTo(true);
            assertThat(store.append(key, List.of(NewRecord.bytes(new byte[] {2}, 2L)))).isEqualTo(1);
        }
    }
}
