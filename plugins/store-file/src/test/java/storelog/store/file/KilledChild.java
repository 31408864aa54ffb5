package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import storelog.testkit.ChildJvm;

/**
 * A child JVM that writes one line per acknowledgement and that the crash tests SIGKILL at a moment
 * they choose: they {@link #poll} its lines until then, {@link #kill} it, and take the lines it wrote
 * before it died from {@link #rest}. Its standard error goes to the test's.
 */
final class KilledChild {

    /** Put after the child's last line: its output ended (it exited or was killed). */
    private static final String END = "\u0000end";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final long timeoutSeconds;

    private KilledChild(Process process, long timeoutSeconds) {
        this.process = process;
        this.timeoutSeconds = timeoutSeconds;
        this.reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child was killed
            }
            lines.add(END);
        });
    }

    /** Starts {@code main} with {@code args} on the class path of the store-file plugin and its tests. */
    static KilledChild start(Class<?> main, long timeoutSeconds, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-cp",
                ChildJvm.classPath(storelog.api.Record.class, FileStorageEngine.class, main), main.getName()));
        command.addAll(List.of(args));
        return new KilledChild(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start(), timeoutSeconds);
    }

    /** The child's next line, or null when it has stopped writing or {@code deadlineNanos} (of {@link System#nanoTime}) passed. */
    String poll(long deadlineNanos) throws InterruptedException {
        String line = lines.poll(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        return line == null || line.equals(END) ? null : line;
    }

    /** SIGKILLs the child (on Linux) and waits for it to die. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(timeoutSeconds, TimeUnit.SECONDS)).isTrue();
    }

    /** After {@link #kill}: the lines the child wrote that were not polled; asserts that it died of the SIGKILL. */
    List<String> rest() throws InterruptedException {
        reader.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
        List<String> rest = new ArrayList<>(lines);
        rest.remove(END);
        assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        return rest;
    }
}
