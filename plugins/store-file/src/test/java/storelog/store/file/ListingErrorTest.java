package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.ChildJvm;
import storelog.testkit.TestData;

/**
 * A partition directory whose reading fails part-way (EIO from {@code readdir}: a failing disk, a
 * stale NFS handle) must fail the listing, not end it early: a short listing of a partition loads it
 * without some of its segments or without its leader-epoch history, and the partition then serves
 * and appends from the wrong place. {@code java.io.File.list} ends its loop at the first
 * {@code readdir} that returns null and never looks at {@code errno}; NIO's directory stream throws.
 * The error is injected into a child JVM by an {@code LD_PRELOAD} shim (built here with {@code gcc};
 * skipped without it) that makes {@code readdir} of one directory fail after its first entries.
 */
class ListingErrorTest {

    /** Fails readdir of a directory whose path holds MARK with EIO after its first three entries. */
    private static final String SHIM = """
            #define _GNU_SOURCE
            #include <dirent.h>
            #include <dlfcn.h>
            #include <errno.h>
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            #define MARK "readdir-fails-here"
            static DIR *marked[64];
            static int served[64];
            static void mark(DIR *d, const char *path) {
                if (d != NULL && strstr(path, MARK) != NULL)
                    for (int i = 0; i < 64; i++) if (marked[i] == NULL) { marked[i] = d; served[i] = 0; return; }
            }
            static int slot(DIR *d) { for (int i = 0; i < 64; i++) if (marked[i] == d) return i; return -1; }
            DIR *opendir(const char *path) {
                DIR *(*real)(const char *) = dlsym(RTLD_NEXT, "opendir");
                DIR *d = real(path);
                mark(d, path);
                return d;
            }
            DIR *fdopendir(int fd) {
                DIR *(*real)(int) = dlsym(RTLD_NEXT, "fdopendir");
                DIR *d = real(fd);
                char link[64], path[4096];
                snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
                ssize_t n = readlink(link, path, sizeof path - 1);
                if (n > 0) { path[n] = 0; mark(d, path); }
                return d;
            }
            int closedir(DIR *d) {
                int s = slot(d);
                if (s >= 0) marked[s] = NULL;
                int (*real)(DIR *) = dlsym(RTLD_NEXT, "closedir");
                return real(d);
            }
            #define FAILING(name, type) type *name(DIR *d) { \\
                type *(*real)(DIR *) = dlsym(RTLD_NEXT, #name); \\
                int s = slot(d); \\
                if (s >= 0 && ++served[s] > 3) { errno = EIO; return NULL; } \\
                return real(d); }
            FAILING(readdir, struct dirent)
            FAILING(readdir64, struct dirent64)
            """;

    @Test
    void anErrorPartWayThroughAPartitionDirectoryIsThrownNotAShortListing(TestInfo test) throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "LD_PRELOAD");
        Path dir = TestData.directory(test);
        Path shim = compiledShim(dir);
        assumeTrue(shim != null, "no gcc to build the readdir shim");
        Path partition = Files.createDirectories(dir.resolve("readdir-fails-here"));
        for (long base : List.of(0L, 100L, 200L)) {
            Files.createFile(SegmentName.storeFile(partition, base));
            Files.createFile(SegmentName.indexFile(partition, base));
        }
        Files.createFile(EpochHistoryFile.in(partition));

        assertThat(list(partition, null)).isEqualTo("listed 7");
        assertThat(list(partition, shim)).as("a listing cut short by EIO").startsWith("threw ").contains("Input/output error");
    }

    /** The shim, built into {@code dir}; null when there is no gcc. */
    private static Path compiledShim(Path dir) throws IOException, InterruptedException {
        return Shims.compile(dir, "readdir-eio", SHIM);
    }

    /** What {@link ListingChild} printed listing {@code partition}, with {@code shim} preloaded unless null. */
    private static String list(Path partition, Path shim) throws IOException, InterruptedException {
        ProcessBuilder child = new ProcessBuilder(ChildJvm.java(), "-cp",
                ChildJvm.classPath(storelog.api.Record.class, FileStorageEngine.class, ListingChild.class),
                ListingChild.class.getName(), partition.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (shim != null) {
            child.environment().put("LD_PRELOAD", shim.toString());
        }
        Process process = child.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
