package storelog.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

/**
 * Crashes a {@link PowerLossWorkload} on a {@link PowerCutDisk} at chosen operations, draws the disks
 * the power cut could leave, and checks each with {@link PowerLossCheck} — then, for every
 * {@value #RECOVERY_CRASH_EVERY}nd state, crashes the recovery of that disk too, at a random operation,
 * and checks that this second crash changed nothing of what the engine serves. Identical crash states (same files, same promises) are checked once.
 *
 * <p>Each state is named by the workload's seed, the operation it was cut before and the variant (which
 * draw at that operation); {@link #replay} rebuilds exactly that state when the workload is
 * deterministic (one thread under {@code FSYNC=always}; the flusher thread of {@code interval|never}
 * and the engine's parallel close and recovery can move operations between runs).
 */
final class PowerLossExplorer {

    /** The simulated disk's root; the materialized images go to a scratch directory instead. */
    static final Path ROOT = Path.of("/power-cut");

    /** A crash state: the disk the cut left and what was promised before it. */
    private record State(PowerLossWorkload workload, int operation, String what, int variant, CrashImage image,
                         AckLog.Snapshot promised) {
        long crashSeed() {
            return mix(workload.seed(), operation, variant);
        }

        String name() {
            return "mode=" + workload.fsync() + " seed=" + workload.seed() + " appends=" + workload.appends() + " threads="
                    + workload.threads() + " operation=" + operation + " variant=" + variant + " (before: " + what + ")";
        }
    }

    /** One crash state in this many also has its recovery crashed (each such check costs about two). */
    static final int RECOVERY_CRASH_EVERY = 2;

    private final FsyncPolicy fsync;
    private final Path scratch;
    private final Set<String> images = new HashSet<>();
    private final Set<String> checked = new HashSet<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> failedSeeds = new ArrayList<>();
    private int recoveryCrashes;
    private int partialBatches;
    private int serial;

    PowerLossExplorer(FsyncPolicy fsync, Path scratch) {
        this.fsync = fsync;
        this.scratch = scratch;
    }

    static long mix(long seed, int operation, int variant) {
        long h = seed * 0x9E3779B97F4A7C15L + operation * 0xBF58476D1CE4E5B9L + variant * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    /** Distinct crash states checked (the disks of first crashes). */
    int states() {
        return images.size();
    }

    /** Crashes during recovery checked. */
    int recoveryCrashes() {
        return recoveryCrashes;
    }

    /** Crash states in which the engine served part of a batch (each also a failure: a batch is all or nothing). */
    int partialBatches() {
        return partialBatches;
    }

    List<String> failures() {
        return failures;
    }

    List<String> failedSeeds() {
        return failedSeeds;
    }

    /** Crashes {@code workload} before every operation (and at its end), {@code variants} draws each. */
    void everyOperation(PowerLossWorkload workload, int variants) {
        explore(workload, op -> true, variants, 0);
    }

    /** Crashes {@code workload} before random operations, about one in {@code every}. */
    void randomOperations(PowerLossWorkload workload, int every) {
        Random pick = new Random(workload.seed() ^ 0x5DEECE66DL);
        explore(workload, op -> pick.nextInt(every) == 0, 1, 0);
    }

    /** Rebuilds and checks one state printed by a failure. */
    void replay(PowerLossWorkload workload, int operation, int variant) {
        explore(workload, op -> op == operation, 1, variant);
    }

    private void explore(PowerLossWorkload workload, IntPredicate crashBefore, int variants, int firstVariant) {
        PowerCutDisk disk = new PowerCutDisk(ROOT);
        AckLog log = new AckLog();
        List<State> states = new ArrayList<>();
        disk.onOperation((op, what) -> {
            if (crashBefore.test(op)) {
                for (int v = firstVariant; v < firstVariant + variants; v++) {
                    CrashImage image = disk.crash(new Random(mix(workload.seed(), op, v)));
                    states.add(new State(workload, op, what, v, image, log.snapshot()));
                }
            }
        });
        FileStorageEngine engine;
        try {
            engine = workload.run(disk, log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        int end = disk.operations() + 1;
        if (crashBefore.test(end)) {
            for (int v = firstVariant; v < firstVariant + variants; v++) {
                states.add(new State(workload, end, "the end", v, disk.crash(new Random(mix(workload.seed(), end, v))),
                        log.snapshot()));
            }
        }
        disk.onOperation((op, what) -> { });
        engine.close();
        for (State s : states) {
            check(s);
        }
    }

    private void check(State state) {
        String image = state.image().fingerprint();
        if (!checked.add(image + "/" + state.promised().partitions().hashCode())) {
            return;
        }
        images.add(image);
        Path dir = scratch.resolve("state-" + serial++);
        state.image().materialize(dir);
        PowerLossCheck.Outcome first = PowerLossCheck.check(dir, state.promised(), fsync);
        delete(dir);
        partialBatches += first.partialBatches() > 0 ? 1 : 0;
        if (!first.ok()) {
            fail(state, "after the crash", first.failures());
            return;
        }
        if (images.size() % RECOVERY_CRASH_EVERY == 0) {
            crashRecovery(state, first);
        }
    }

    /** Recovers the state's disk on a simulated disk, crashes that at a random operation, and checks again. */
    private void crashRecovery(State state, PowerLossCheck.Outcome first) {
        PowerCutDisk disk = PowerCutDisk.holding(ROOT, state.image());
        List<CrashImage> during = new ArrayList<>();
        disk.onOperation((op, what) -> during.add(disk.crash(new Random(state.crashSeed() + op))));
        try (FileStorageEngine engine = Engines.open(PowerLossWorkload.dataDir(ROOT), PowerLossWorkload.MAX_FILE_SIZE, fsync, disk)) {
            disk.onOperation((op, what) -> { }); // the close after recovery is not part of it
        } catch (RuntimeException e) {
            fail(state, "recovering on the simulated disk", List.of(e.toString()));
            return;
        }
        if (during.isEmpty()) {
            return;
        }
        int at = new Random(state.crashSeed()).nextInt(during.size());
        recoveryCrashes++;
        Path dir = scratch.resolve("state-" + serial++);
        during.get(at).materialize(dir);
        PowerLossCheck.Outcome second = PowerLossCheck.check(dir, state.promised(), fsync);
        delete(dir);
        List<String> problems = new ArrayList<>(second.failures());
        if (second.ok() && !second.log().equals(first.log())) {
            problems.add("a crash during recovery changed the log: " + first.log() + " became " + second.log());
        }
        if (!problems.isEmpty()) {
            fail(state, "after a second crash, before recovery operation " + (at + 1), problems);
        }
    }

    private void fail(State state, String when, List<String> problems) {
        failedSeeds.add(state.name());
        if (failures.size() < 20) {
            failures.add(state.name() + ", " + when + ":\n    " + String.join("\n    ", problems) + "\n  the disk:\n"
                    + state.image().describe());
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
