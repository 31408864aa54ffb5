package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code LD_PRELOAD} shims for tests that make the C library fail under the engine's production path. */
final class Shims {

    private Shims() {
    }

    /** {@code source} (C) built with gcc into {@code dir} as {@code name}.so; null when there is no gcc. */
    static Path compile(Path dir, String name, String source) throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve(name + ".c"), source);
        Path library = dir.resolve(name + ".so");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-o", library.toString(), file.toString(), "-ldl")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gcc.exitValue()).as(output).isZero();
        return library;
    }
}
