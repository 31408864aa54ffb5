package storelog.gostorelog;

import storelog.testkit.GoStoreLogWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import storelog.api.Settings;
import storelog.api.spi.StorageEngine;
import storelog.testkit.GoStoreLogWriter.Frame;

/** Test fixtures: the file engine, record mixes, and byte surgery on GoStoreLog files. */
final class Fixtures {

    private Fixtures() {
    }

    /** StoreLog's default engine over {@code dir}, without fsync (tests). */
    static StorageEngine openEngine(Path dir) {
        return new storelog.store.file.FileStorageProvider()
                .open(Settings.of(Map.of("DATA_DIR", dir.toString(), "FSYNC", "never")));
    }

    /** {@code n} records cycling through JSON (object, array, number), bytes (with 0x00, 0xFF) and UTF-8 strings. */
    static List<Frame> mixed(String tag, int n, long seed) {
        Random random = new Random(seed);
        List<Frame> frames = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            frames.add(switch (i % 5) {
                case 0 -> Frame.json("{\"partition\":\"" + tag + "\",\"i\":" + i + ",\"tags\":[\"ä\",\"😀\"]}");
                case 1 -> Frame.json("[" + i + ",true,null,{\"x\":-1.5e3}]");
                case 2 -> Frame.json(Integer.toString(i * 7 - 100));
                case 3 -> {
                    byte[] bytes = new byte[1 + random.nextInt(200)];
                    random.nextBytes(bytes);
                    bytes[0] = 0x00;
                    bytes[bytes.length - 1] = (byte) 0xFF;
                    yield Frame.bytes(bytes);
                }
                default -> Frame.string(tag + " nº" + i + " — héllo wörld 😀 日本語");
            });
        }
        return frames;
    }

    /** Overwrites bytes of a file at {@code position}. */
    static void overwrite(Path file, long position, byte... bytes) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), position);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Overwrites 8 bytes, big-endian. */
    static void overwriteLong(Path file, long position, long value) {
        overwrite(file, position, ByteBuffer.allocate(8).putLong(value).array());
    }

    /** Cuts a file to {@code size} bytes. */
    static void truncate(Path file, long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends bytes to a file. */
    static void append(Path file, byte... bytes) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
