package storelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.DataType;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.Settings;
import storelog.api.spi.StorageEngine;
import storelog.core.PluginRegistry;
import storelog.testkit.GoStoreLogWriter;
import storelog.testkit.GoStoreLogWriter.Frame;
import storelog.testkit.TestData;

/** The subcommands other than serve, run as {@code storelog <args>} would run them. */
class CliTest {

    private static final PartitionKey KEY = PartitionKey.of("cli");

    private Path dir;
    private Path data;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
        data = dir.resolve("data");
    }

    private int storelog(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static StorageEngine engine(Path data, String maxFileSize) {
        return PluginRegistry.bootLayer().storageEngine("file")
                .open(Settings.of(Map.of("DATA_DIR", data.toString(), "MAX_FILE_SIZE", maxFileSize)));
    }

    /** A partition of 30 records in several 400-byte segments. */
    private void writeSegments() {
        try (StorageEngine engine = engine(data, "400")) {
            for (int i = 0; i < 30; i++) {
                engine.append(KEY, List.of(NewRecord.string("record " + i + "\nline two", 1_764_230_400_000L)));
            }
        }
    }

    private List<Path> stores() throws Exception {
        try (Stream<Path> files = Files.list(KEY.directoryIn(data))) {
            return files.filter(f -> f.toString().endsWith(".store"))
                    .sorted((a, b) -> Long.compare(base(a), base(b))).toList();
        }
    }

    private static long base(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring("segment_".length(), name.indexOf('.')));
    }

    @Test
    void dumpPrintsEveryRecordOfASegmentOfAMultiSegmentPartition() throws Exception {
        writeSegments();
        List<Path> stores = stores();
        assertThat(stores).hasSizeGreaterThan(2);
        Path second = stores.get(1);

        assertThat(storelog("dump", second.toString())).isZero();

        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).startsWith("# " + second.getFileName() + ": store, base offset " + base(second));
        assertThat(lines.subList(1, lines.size())).isNotEmpty().allSatisfy(line -> assertThat(line)
                .matches("offset=\\d+ position=\\d+ type=string size=\\d+ crc=ok timestamp=1764230400000 payload=record \\d+\\\\nline two"));
        assertThat(lines.get(1)).startsWith("offset=" + base(second) + " position=16 ");
        Files.writeString(second.resolveSibling(second.getFileName() + ".txt"), out.toString());
    }

    @Test
    void dumpOfSomethingElseIsAnError() throws Exception {
        Path other = Files.writeString(dir.resolve("notes.txt"), "x");
        assertThat(storelog("dump", other.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("is not a segment file");
    }

    @Test
    void verifyOfCleanDataExitsZero() {
        writeSegments();
        assertThat(storelog("verify", data.toString())).isZero();
        assertThat(out.toString()).contains("checked 1 partitions, 30 records").contains("clean");
    }

    @Test
    void verifyOfDamagedDataExitsOneNamingTheFileAndRepairFixesATornTail() throws Exception {
        writeSegments();
        Path active = stores().getLast();
        Files.write(active, new byte[] {0, 0, 1, 0, 9, 9}, StandardOpenOption.APPEND);

        assertThat(storelog("verify", data.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("DAMAGE: " + active).contains("torn tail");

        assertThat(storelog("verify", "--repair", data.toString())).isZero();
        assertThat(out.toString()).contains("repaired: truncated " + active);

        out.getBuffer().setLength(0);
        assertThat(storelog("verify", data.toString())).isZero();
        assertThat(out.toString()).contains("clean");
    }

    @Test
    void verifyOfAMissingDirectoryIsAUsageErrorWithOneClearLine() {
        Path missing = dir.resolve("nothing");
        assertThat(storelog("verify", missing.toString())).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly("storelog: verify: " + missing + ": no such directory");
    }

    @Test
    void dumpOfAMissingFileIsAUsageErrorWithOneClearLine() {
        assertThat(storelog("dump", "missing")).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly("storelog: dump: missing: no such file");
    }

    @Test
    void pluginsListsTheDefaultPluginsOfTheImage() {
        assertThat(storelog("plugins")).isZero();
        assertThat(out.toString().lines())
                .anySatisfy(l -> assertThat(l).startsWith("file").contains("storage").contains("storelog.store.file"))
                .anySatisfy(l -> assertThat(l).startsWith("channel").contains("connector").contains("storelog.connector.channel"));
    }

    @Test
    void importGoStoreLogKeepsPartitionsOffsetsTypesAndPayloads() throws Exception {
        Path source = dir.resolve("gostorelog");
        GoStoreLogWriter writer = new GoStoreLogWriter(source, 200);
        byte[] random = new byte[300];
        new Random(3).nextBytes(random);
        List<Frame> orders = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            orders.add(i % 3 == 0 ? Frame.json("{\"order\":" + i + "}") : i % 3 == 1 ? Frame.bytes(random) : Frame.string("order ñ " + i));
        }
        writer.write("orders", orders);
        writer.write("gaps", List.of(Frame.json("{\"node\":\"b\",\"gap\":3}")));
        writer.write("users", List.of(Frame.string("ann"), Frame.string("bob")));

        assertThat(storelog("import-gostorelog", source.toString(), data.toString())).isZero();
        assertThat(out.toString()).contains("3 partitions imported, 0 skipped, 0 failed; 23 records");

        try (StorageEngine engine = engine(data, "10485760")) {
            List<Record> read = engine.read(PartitionKey.of("orders"), 0, 100, Long.MAX_VALUE);
            assertThat(read).hasSize(20);
            for (int i = 0; i < 20; i++) {
                assertThat(read.get(i).offset()).isEqualTo(i);
                assertThat(read.get(i).type()).isEqualTo(DataType.fromCode(orders.get(i).type()));
                assertThat(read.get(i).payload()).isEqualTo(orders.get(i).payload());
            }
            assertThat(engine.read(PartitionKey.of("__gaps"), 0).text()).isEqualTo("{\"node\":\"b\",\"gap\":3}");
            assertThat(engine.read(PartitionKey.of("users"), 1).payload()).isEqualTo("bob".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void anUnknownSubcommandIsAUsageError() {
        assertThat(storelog("explode")).isEqualTo(2);
    }
}
