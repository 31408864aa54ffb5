import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The least a server on StoreLog's HTTP stack must do to answer a partition's first read (issue 11
 * item 2's bound for cold reads): a bare Helidon SE 4 WebServer (the image's own modules, default
 * settings, virtual threads) answering {@code GET /read?partition=K&offset=0} from a StoreLog data
 * directory with nothing kept open: it lists the partition's directory for its lowest segment's store
 * file, opens it, reads the first record's frame after the 16-byte header, closes it, and answers the
 * frame in JSON (base64). StoreLog's first read also checks the index and keeps both files open for
 * the next reads; this does neither. A partition read again is answered from memory (the frame kept
 * at its first read): reading one partition N times measures the bare server's HTTP bound.
 *
 * <p>Not part of the Maven build (the bench module has no Helidon): bench/cold-ceiling.sh compiles it
 * against distribution/target/modules and runs it on the jlink image's java.
 * <pre>java -cp DIR ColdReadCeiling port data-dir</pre>
 */
public final class ColdReadCeiling {

    private static final int HEADER = 16;

    private ColdReadCeiling() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Path data = Path.of(args[1]);
        Map<String, byte[]> read = new ConcurrentHashMap<>();
        WebServer server = WebServer.builder().host("127.0.0.1").port(port).routing(routing -> routing
                .get("/health/live", (req, res) -> res.send("{\"status\":\"UP\"}")) // what bench/lua/partitions.lua sends once done
                .get("/read", (req, res) -> {
            String key = req.query().get("partition");
            byte[] frame = read.get(key);
            try {
                if (frame == null) {
                    frame = firstRecord(data.resolve(key));
                    read.put(key, frame);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("read of " + key + " failed: " + e);
                res.status(Status.NOT_FOUND_404).send("{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
                return;
            }
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(("{\"partition_key\":\"" + key + "\",\"offset\":0,\"frame\":\"" + Base64.getEncoder().encodeToString(frame)
                    + "\"}").getBytes(StandardCharsets.UTF_8));
        })).build().start();
        System.out.println("READY " + server.port() + " cold-read ceiling over " + data + " java=" + System.getProperty("java.version"));
    }

    /** The first frame of the partition directory {@code dir}'s lowest segment: length-prefixed, after the header. */
    private static byte[] firstRecord(Path dir) throws IOException {
        Path store = null;
        long lowest = Long.MAX_VALUE;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "segment_*.store")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                long base = Long.parseLong(name.substring("segment_".length(), name.length() - ".store".length()));
                if (base < lowest) {
                    lowest = base;
                    store = f;
                }
            }
        }
        if (store == null) {
            throw new IOException("no segment in " + dir);
        }
        try (FileChannel ch = FileChannel.open(store, StandardOpenOption.READ)) {
            ByteBuffer length = ByteBuffer.allocate(4);
            readFully(ch, length, HEADER);
            ByteBuffer frame = ByteBuffer.allocate(length.getInt(0));
            readFully(ch, frame, HEADER);
            return frame.array();
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (ch.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("short frame");
            }
        }
    }
}
