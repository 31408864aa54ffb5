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
 * The production disk's fsync ({@link LocalDisk#openForSync}: {@code FileDescriptor.sync} of a
 * read-only descriptor), which no test disk reaches (subclasses get the channel path), under faults
 * injected into a child JVM by an {@code LD_PRELOAD} shim (built here with {@code gcc}; skipped
 * without it): {@code fsync}/{@code fdatasync} of a {@code .store} file fail with EIO or take 300 ms,
 * and a read-only open of one fails with EMFILE, while a flag file is present.
 */
class FsyncShimTest {

    private static final String SHIM = """
            #define _GNU_SOURCE
            #include <dlfcn.h>
            #include <errno.h>
            #include <fcntl.h>
            #include <stdarg.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            static int flag(const char *name, int take) {
                const char *dir = getenv("FSYNC_SHIM_FLAGS");
                char path[4096];
                if (dir == NULL) return 0;
                snprintf(path, sizeof path, "%s/%s", dir, name);
                if (take) return unlink(path) == 0;
                return access(path, F_OK) == 0;
            }
            static int ends_store(const char *p) {
                size_t n = strlen(p);
                return n >= 6 && strcmp(p + n - 6, ".store") == 0;
            }
            static int store_fd(int fd) {
                char link[64], path[4096];
                snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
                ssize_t n = readlink(link, path, sizeof path - 1);
                if (n <= 0) return 0;
                path[n] = 0;
                return ends_store(path);
            }
            static int faulty(int fd) {
                if (!store_fd(fd)) return 0;
                if (flag("fsync-slow", 0)) usleep(300000);
                if (flag("fsync-eio", 0)) { errno = EIO; return 1; }
                return 0;
            }
            int fsync(int fd) {
                int (*real)(int) = dlsym(RTLD_NEXT, "fsync");
                return faulty(fd) ? -1 : real(fd);
            }
            int fdatasync(int fd) {
                int (*real)(int) = dlsym(RTLD_NEXT, "fdatasync");
                return faulty(fd) ? -1 : real(fd);
            }
            static int emfile(const char *path, int flags) {
                if ((flags & O_ACCMODE) != O_RDONLY || !ends_store(path)) return 0;
                return flag("open-emfile-once", 1) || flag("open-emfile", 0);
            }
            #define OPEN(name) int name(const char *path, int flags, ...) { \\
                va_list ap; va_start(ap, flags); int mode = va_arg(ap, int); va_end(ap); \\
                if (emfile(path, flags)) { errno = EMFILE; return -1; } \\
                int (*real)(const char *, int, ...) = dlsym(RTLD_NEXT, #name); \\
                return real(path, flags, mode); }
            OPEN(open)
            OPEN(open64)
            """;

    @Test
    void anFsyncThatFailsWithEioFailsTheAppendAndThePartitionForGoodWhateverTheInterrupts(TestInfo test) throws Exception {
        List<String> out = run(test, "eio");
        assertThat(out).containsExactly(
                "r0 acked 0",
                "r1 failed StorageFailedException",
                "v1 failed StorageFailedException",
                "t1 failed StorageFailedException",
                "r2 failed StorageFailedException",
                "v2 failed StorageFailedException",
                "t2 failed StorageFailedException");
    }

    @Test
    void anInterruptDuringAFailingFsyncNeitherHidesNorRetriesIt(TestInfo test) throws Exception {
        assertThat(run(test, "eio-interrupted-during")).containsExactly(
                "r0 acked 0",
                "r1 failed StorageFailedException",
                "r2 failed StorageFailedException");
    }

    @Test
    void aDescriptorShortageAtTheFsyncsOpenIsRetriedOnceThenAFailureOfThatAppendOnly(TestInfo test) throws Exception {
        assertThat(run(test, "emfile")).containsExactly(
                "r0 acked 0",
                "r1 acked 0",
                "r2 acked 1",
                "r3 failed StorageFailedException",
                "r4 acked 0");
    }

    @Test
    void slowFsyncsOfManyPartitionsVirtualAppendersDoNotHoldAPlatformThreadEach(TestInfo test) throws Exception {
        List<String> out = run(test, "threads", "128");
        assertThat(out).hasSize(1);
        int more = Integer.parseInt(out.getFirst().substring("more threads ".length()));
        assertThat(more).as("platform threads started while 128 partitions' virtual appenders fsync").isLessThanOrEqualTo(40);
    }

    /** What {@link FsyncShimChild} printed (each line up to its first colon), with the shim preloaded. */
    private static List<String> run(TestInfo test, String... args) throws IOException, InterruptedException {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "LD_PRELOAD");
        Path dir = TestData.directory(test);
        Path shim = compiledShim(dir);
        assumeTrue(shim != null, "no gcc to build the fsync shim");
        Path flags = Files.createDirectories(dir.resolve("flags"));
        List<String> command = new java.util.ArrayList<>(List.of(ChildJvm.java(), "-cp",
                ChildJvm.classPath(storelog.api.Record.class, FileStorageEngine.class, FsyncShimChild.class),
                FsyncShimChild.class.getName(), args[0], dir.resolve("data").toString(), flags.toString()));
        command.addAll(List.of(args).subList(1, args.length));
        ProcessBuilder child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        child.environment().put("LD_PRELOAD", shim.toString());
        child.environment().put("FSYNC_SHIM_FLAGS", flags.toString());
        Process process = child.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().map(l -> l.contains(":") ? l.substring(0, l.indexOf(':')) : l).toList();
    }

    private static Path compiledShim(Path dir) throws IOException, InterruptedException {
        return Shims.compile(dir, "fsync-shim", SHIM);
    }
}
