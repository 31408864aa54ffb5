package storelog.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * The disk a simulated power cut left ({@link PowerCutDisk#crash}): the files (their bytes) and the
 * directories below the disk's root, by relative path with {@code /} separators.
 */
record CrashImage(SortedMap<String, byte[]> files, SortedSet<String> directories) {

    /** Writes the image as real files and directories under {@code target} (which must be empty or absent). */
    void materialize(Path target) {
        try {
            Files.createDirectories(target);
            for (String dir : directories) {
                Files.createDirectories(target.resolve(dir));
            }
            for (var file : files.entrySet()) {
                Files.write(target.resolve(file.getKey()), file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A digest of the whole image: two images with the same one are the same crash state. */
    String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String dir : directories) {
                digest.update(("d " + dir + "\n").getBytes(StandardCharsets.UTF_8));
            }
            for (var file : files.entrySet()) {
                digest.update(("f " + file.getKey() + " " + file.getValue().length + "\n").getBytes(StandardCharsets.UTF_8));
                digest.update(file.getValue());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line per directory and file (with its size), for failure messages. */
    String describe() {
        StringBuilder s = new StringBuilder();
        directories.forEach(d -> s.append("  ").append(d).append("/\n"));
        files.forEach((f, b) -> s.append("  ").append(f).append(" (").append(b.length).append(" bytes)\n"));
        return s.toString();
    }
}
