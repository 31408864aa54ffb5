package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
