package storelog.store.file;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * The default {@code STORE_MAX_OPEN_FILES}: sized from the process's file-descriptor limit, not a
 * fixed 1024 — 10,000 partitions of one segment are 20,000 files, and a cyclic scan of more files than
 * the LRU holds misses on every one. At most three quarters of the limit (half of a small one) are
 * the engine's; the rest stays for sockets, the JVM's own files and plugins — at least the listener's
 * {@code MAX_CONNECTIONS} and 1024 more, unless that would leave the engine fewer than the old 1024
 * (or half of a small limit). On Linux the JVM raises the
 * soft limit to the hard one at start, so this is usually the hard limit ({@code ulimit -Hn},
 * systemd's {@code LimitNOFILE}). An explicit {@code STORE_MAX_OPEN_FILES} wins.
 */
final class OpenFileBudget {

    /** When the limit is unknown (not a Unix JVM): the fixed default of earlier versions. */
    static final int UNKNOWN_LIMIT_DEFAULT = 1024;
    /**
     * Never more by default: each open file holds a descriptor, a few hundred bytes of heap and the
     * kernel's file object, and the LRU sorts its idle files once per eighth of its size in misses.
     */
    static final int MAX_DEFAULT = 65_536;
    /** Never fewer (the setting's own minimum). */
    static final int MIN = 4;

    private OpenFileBudget() {
    }

    /** The HTTP listener's {@code MAX_CONNECTIONS} when unset (HttpLimits.DEFAULT_MAX_CONNECTIONS). */
    static final int DEFAULT_MAX_CONNECTIONS = 4096;
    /** Descriptors beside the connections and the LRU: the JVM's own, fsyncs' and directories', replication, plugins. */
    static final int OTHER_DESCRIPTORS = 1024;

    /**
     * The default for a process allowed {@code descriptorLimit} open files (not positive: unknown)
     * whose listener holds up to {@code maxConnections} connections. What stays outside the LRU is a
     * quarter of the limit, and at least those connections and {@link #OTHER_DESCRIPTORS} as long as
     * the LRU keeps the old fixed default (or half of a small limit): a connection that cannot be
     * accepted for want of a descriptor ends Helidon's listener for good, it does not wait.
     */
    static int forDescriptorLimit(long descriptorLimit, int maxConnections) {
        if (descriptorLimit <= 0) {
            return UNKNOWN_LIMIT_DEFAULT;
        }
        long lruFloor = Math.min(UNKNOWN_LIMIT_DEFAULT, descriptorLimit / 2);
        long reserved = Math.max(descriptorLimit / 4,
                Math.min((long) maxConnections + OTHER_DESCRIPTORS, descriptorLimit - lruFloor));
        return (int) Math.clamp(descriptorLimit - reserved, MIN, MAX_DEFAULT);
    }

    /** This process's limit on open files, or -1 when the JVM does not tell. */
    static long descriptorLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }

    /** The default for this process. */
    static int forThisProcess(int maxConnections) {
        return forDescriptorLimit(descriptorLimit(), maxConnections);
    }
}
