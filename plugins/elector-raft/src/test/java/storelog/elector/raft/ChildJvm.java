package storelog.elector.raft;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import storelog.api.spi.Leadership;

/** A {@link ChildNode} process: its last reported leadership, its resume samples; kill -9, stop and continue. */
final class ChildJvm implements AutoCloseable {

    final String id;
    final List<String> resumed = new CopyOnWriteArrayList<>();
    private final Process process;
    private volatile Leadership last = new Leadership(Leadership.Role.CANDIDATE, Optional.empty(), 0);

    ChildJvm(String id, int port, Path state, List<String> members, Path log) throws IOException {
        this.id = id;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                ChildNode.class.getName(), id, Integer.toString(port), state.toString()));
        command.addAll(members);
        process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        Thread.ofPlatform().daemon().name("child-" + id).start(this::read);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] parts = line.split(" ");
                if (parts[0].equals("leadership")) {
                    last = new Leadership(Leadership.Role.valueOf(parts[1]), parts[2].equals("-") ? Optional.empty() : Optional.of(parts[2]),
                            Long.parseLong(parts[3]));
                } else if (parts[0].equals("resumed")) {
                    resumed.add(line);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    Leadership leadership() {
        return process.isAlive() ? last : new Leadership(Leadership.Role.CANDIDATE, Optional.empty(), 0);
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no hand-over, sockets closed by the kernel. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    void signal(String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.getOutputStream().close();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

}
