package storelog.discovery.gossip;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Threads a test started and did not stop. */
final class Threads {

    private Threads() {
    }

    /** The live threads now. */
    static Set<Thread> now() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    /**
     * Live threads that were not in {@code before}, except JUnit's (its timeout watcher starts lazily) and
     * the JVM's shared ForkJoinPool (daemons JGroups' CompletableFutures may wake, ended by the pool).
     */
    static List<String> startedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !before.contains(thread) && !thread.getName().startsWith("junit")
                        && !thread.getName().startsWith("ForkJoinPool.commonPool"))
                .map(thread -> thread.getName() + (thread.isDaemon() ? " (daemon)" : "")).sorted().toList();
    }

    /** Waits (bounded) until every thread started since {@code before} has ended. */
    static void awaitAllEnded(Set<Thread> before) {
        Eventually.within(Duration.ofSeconds(10), "every thread started since is gone",
                () -> startedSince(before).isEmpty(), () -> startedSince(before));
    }
}
