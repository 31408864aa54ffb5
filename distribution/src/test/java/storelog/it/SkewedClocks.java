package storelog.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wall clocks of nodes that a test can move while the nodes run, with libfaketime: each node starts
 * with {@code LD_PRELOAD} of the library and {@code FAKETIME_TIMESTAMP_FILE} naming a file of its own
 * that holds its offset ({@code +0}, {@code +1h}, {@code -1d}), re-read every second
 * ({@code FAKETIME_CACHE_DURATION=1}). {@code FAKETIME_DONT_FAKE_MONOTONIC=1}: only the wall clock
 * moves ({@code System.currentTimeMillis}, {@code Instant.now}); {@code System.nanoTime} stays true,
 * and the JVM hangs without it (libfaketime's README). {@code FAKETIME_FORCE_MONOTONIC_FIX=0}: with
 * the fix libfaketime 0.9.10 turns on for this glibc, the JVM spins in {@code Instant.now()} at start
 * (seen: {@code VM.getNanoTimeAdjustment} never returning). A restarted node keeps the offset of its file.
 * Not thread-safe: one test thread drives it.
 */
final class SkewedClocks {

    static final Path LIBRARY = Path.of(System.getProperty("faults.libfaketime",
            "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"));
    private static final java.util.regex.Pattern LOCAL_TIME = java.util.regex.Pattern.compile("(?m)^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2})$");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Map<ImageNode, Path> files = new HashMap<>();

    /** Whether libfaketime is installed where {@link #LIBRARY} says. */
    static boolean available() {
        return Files.isReadable(LIBRARY);
    }

    /** Gives every node of {@code nodes} (not started yet) a movable clock, at offset +0, its file under {@code dir}. */
    static SkewedClocks install(List<ImageNode> nodes, Path dir) {
        SkewedClocks clocks = new SkewedClocks();
        for (ImageNode node : nodes) {
            Path file = dir.resolve(node.id() + ".faketime");
            clocks.files.put(node, file);
            clocks.write(file, "+0");
            node.env().put("LD_PRELOAD", LIBRARY.toString());
            node.env().put("FAKETIME_TIMESTAMP_FILE", file.toString());
            node.env().put("FAKETIME_CACHE_DURATION", "1");
            node.env().put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
            node.env().put("FAKETIME_FORCE_MONOTONIC_FIX", "0");
        }
        return clocks;
    }

    /**
     * Moves {@code node}'s wall clock to {@code offset} from the true time ({@code +1h}, {@code -1d}: whole
     * seconds, minutes, hours or days) and, when it runs, waits until its JVM reads that time ({@link #skewOf}).
     */
    void set(ImageNode node, String offset) {
        write(files.get(node), offset);
        if (!node.isAlive()) {
            return;
        }
        long expected = seconds(offset);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long seen = Long.MIN_VALUE;
        while (System.nanoTime() < deadline) {
            seen = skewOf(node);
            if (Math.abs(seen - expected) <= 5) {
                return;
            }
            TestCluster.pause(100);
        }
        throw new AssertionError(node + "'s clock is " + seen + " s off the true time, not " + offset + " (" + expected + " s)");
    }

    /**
     * How far (seconds) {@code node}'s wall clock is from this JVM's; MIN_VALUE when it cannot be read.
     * Read from the first line of {@code jcmd <pid> Thread.print}, the node's local time as its JVM
     * reads it now (both processes share the machine's time zone). Not from the HTTP {@code Date}
     * header: Helidon's cached {@code Date} stops moving when the clock jumps back (seen: still 11 s old
     * 10 s after a jump of -10 min).
     */
    static long skewOf(ImageNode node) {
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(node.pid()), "Thread.print").redirectErrorStream(true).start();
            java.util.regex.Matcher m;
            try (java.io.BufferedReader out = p.inputReader()) {
                m = LOCAL_TIME.matcher(out.lines().limit(5).collect(java.util.stream.Collectors.joining("\n")));
                out.transferTo(java.io.Writer.nullWriter());
            }
            long now = Instant.now().getEpochSecond();
            p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            if (!m.find()) {
                return Long.MIN_VALUE;
            }
            return LocalDateTime.parse(m.group(1), LOCAL).atZone(ZoneId.systemDefault()).toEpochSecond() - now;
        } catch (IOException e) {
            return Long.MIN_VALUE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Long.MIN_VALUE;
        }
    }

    /** An offset in libfaketime's form as seconds: {@code +1h} is 3600, {@code -1d} is -86400. */
    static long seconds(String offset) {
        char unit = offset.charAt(offset.length() - 1);
        boolean hasUnit = Character.isLetter(unit);
        long n = Long.parseLong(offset.substring(offset.startsWith("+") ? 1 : 0, offset.length() - (hasUnit ? 1 : 0)));
        return n * switch (hasUnit ? unit : 's') {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86400;
            default -> throw new IllegalArgumentException("offset " + offset + ": unit is s, m, h or d");
        };
    }

    private void write(Path file, String offset) {
        try {
            Files.writeString(file, offset + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
