package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The power-cut model itself: what it keeps, loses and tears, drawn over many crashes. */
class PowerCutDiskTest {

    private static final Path ROOT = Path.of("/simulated");
    private static final int DRAWS = 500;

    private final PowerCutDisk disk = new PowerCutDisk(ROOT);

    private static byte[] bytes(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static void write(FileChannel channel, byte[] bytes, long at) throws IOException {
        channel.write(ByteBuffer.wrap(bytes), at);
    }

    private List<CrashImage> crashes() {
        Random random = new Random(42);
        List<CrashImage> all = new ArrayList<>();
        for (int i = 0; i < DRAWS; i++) {
            all.add(disk.crash(random));
        }
        return all;
    }

    private FileChannel durableFile(String name) throws IOException {
        FileChannel channel = disk.createNew(ROOT.resolve(name));
        disk.forceDirectory(ROOT);
        return channel;
    }

    @Test
    void forcedDataIsKeptAndUnforcedDataMayBeKeptOrLost() throws IOException {
        FileChannel f = durableFile("f");
        write(f, bytes(700, 1), 0);
        f.force(false);
        write(f, bytes(300, 2), 700);
        Set<Integer> sizes = new HashSet<>();
        for (CrashImage crash : crashes()) {
            byte[] content = crash.files().get("f");
            assertThat(Arrays.copyOf(content, 700)).isEqualTo(bytes(700, 1));
            sizes.add(content.length);
        }
        assertThat(sizes).containsExactlyInAnyOrder(700, 1000);
    }

    @Test
    void unforcedBlocksAreTornAtBlockBoundariesOnly() throws IOException {
        FileChannel f = durableFile("f");
        write(f, bytes(8192, 1), 0);
        f.force(false);
        write(f, bytes(8192, 2), 0);
        boolean mixed = false;
        for (CrashImage crash : crashes()) {
            byte[] content = crash.files().get("f");
            assertThat(content).hasSize(8192);
            for (int block = 0; block < 8192; block += 512) {
                byte[] b = Arrays.copyOfRange(content, block, block + 512);
                assertThat(b).as("block at %d", block).isIn(bytes(512, 1), bytes(512, 2));
            }
            mixed |= content[0] != content[8191];
        }
        assertThat(mixed).as("some crash keeps part of the overwrite").isTrue();
    }

    @Test
    void anExtensionWhoseDataIsLostReadsAsZeros() throws IOException {
        FileChannel f = durableFile("f");
        write(f, bytes(1024, 3), 0);
        boolean zeros = false;
        for (CrashImage crash : crashes()) {
            byte[] content = crash.files().get("f");
            for (byte b : content) {
                assertThat(b).isIn((byte) 0, (byte) 3);
            }
            zeros |= content.length == 1024 && content[0] == 0;
        }
        assertThat(zeros).isTrue();
    }

    @Test
    void aCreationIsDurableOnlyOnceItsDirectoryIsForced() throws IOException {
        disk.createNew(ROOT.resolve("new")).close();
        assertThat(crashes()).extracting(c -> c.files().containsKey("new")).contains(true, false);
        disk.forceDirectory(ROOT);
        assertThat(crashes()).allMatch(c -> c.files().containsKey("new"));
    }

    @Test
    void aDeletedFileMayReappearUntilTheDirectoryIsForced() throws IOException {
        durableFile("old").close();
        disk.deleteIfExists(ROOT.resolve("old"));
        assertThat(crashes()).extracting(c -> c.files().containsKey("old")).contains(true, false);
        disk.forceDirectory(ROOT);
        assertThat(crashes()).noneMatch(c -> c.files().containsKey("old"));
    }

    @Test
    void aRenameIsAtomicAndTheTargetNeverGoesMissing() throws IOException {
        FileChannel old = durableFile("target");
        write(old, bytes(10, 1), 0);
        old.force(true);
        FileChannel tmp = disk.open(ROOT.resolve("target.tmp"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        write(tmp, bytes(20, 2), 0);
        tmp.force(true);
        disk.moveAtomically(ROOT.resolve("target.tmp"), ROOT.resolve("target"));
        Set<Integer> seen = new HashSet<>();
        for (CrashImage crash : crashes()) {
            byte[] target = crash.files().get("target");
            assertThat(target).isIn(bytes(10, 1), bytes(20, 2));
            if (target.length == 20) {
                assertThat(crash.files()).doesNotContainKey("target.tmp");
            }
            seen.add(target.length);
        }
        assertThat(seen).containsExactlyInAnyOrder(10, 20);
        disk.forceDirectory(ROOT);
        assertThat(crashes()).allMatch(c -> c.files().get("target").length == 20 && !c.files().containsKey("target.tmp"));
    }

    @Test
    void aNewDirectoryTakesItsFilesAlongWhenItsNameIsLost() throws IOException {
        disk.createDirectories(ROOT.resolve("a/b"));
        disk.forceDirectory(ROOT.resolve("a/b"));
        FileChannel f = disk.createNew(ROOT.resolve("a/b/f"));
        f.force(true);
        disk.forceDirectory(ROOT.resolve("a/b"));
        for (CrashImage crash : crashes()) {
            assertThat(crash.files().containsKey("a/b/f")).isEqualTo(crash.directories().contains("a/b"));
        }
        disk.forceDirectory(ROOT.resolve("a"));
        disk.forceDirectory(ROOT);
        assertThat(crashes()).allMatch(c -> c.files().containsKey("a/b/f"));
    }

    @Test
    void readsSeeTheCurrentContentAndOperationsAreCountedInOrder() throws IOException {
        List<String> ops = new ArrayList<>();
        disk.onOperation((n, what) -> ops.add(n + " " + what));
        FileChannel f = disk.createNew(ROOT.resolve("f"));
        write(f, bytes(5, 7), 0);
        f.truncate(3);
        f.force(false);
        ByteBuffer in = ByteBuffer.allocate(10);
        assertThat(disk.open(ROOT.resolve("f"), StandardOpenOption.READ).read(in, 0)).isEqualTo(3);
        assertThat(disk.size(ROOT.resolve("f"))).isEqualTo(3);
        assertThat(ops).containsExactly("1 create /simulated/f", "2 write /simulated/f 5 bytes at 0",
                "3 truncate /simulated/f to 3", "4 force /simulated/f");
    }

    @Test
    void aDiskHoldingAnImageCrashesToThatImage() throws IOException {
        disk.createDirectories(ROOT.resolve("d"));
        write(disk.createNew(ROOT.resolve("d/f")), bytes(600, 4), 0);
        CrashImage image = disk.crash(new Random(1));
        PowerCutDisk after = PowerCutDisk.holding(ROOT, image);
        assertThat(after.crash(new Random(2)).fingerprint()).isEqualTo(image.fingerprint());
    }
}
