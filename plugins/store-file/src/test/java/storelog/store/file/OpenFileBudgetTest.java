package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import storelog.api.Settings;
import storelog.testkit.TestData;

/**
 * The open-files LRU's default size comes from the file-descriptor limit (an explicit
 * {@code STORE_MAX_OPEN_FILES} wins), and a second read of a partition finds its files open: hits
 * through a handle the segment kept count as hits.
 */
class OpenFileBudgetTest {

    @ParameterizedTest
    @CsvSource({
            "20000, 4096, 14880", // this bench machine's hard limit: 10,000 one-segment partitions' stores fit
            "20000, 100, 15000", // a quarter stays in any case
            "1048576, 4096, 65536", // a common hard limit: capped
            "8192, 4096, 3072", // MAX_CONNECTIONS and 1024 more stay outside
            "4096, 4096, 1024", // too few for MAX_CONNECTIONS: the engine keeps the old default
            "1024, 4096, 512", // a small soft limit: half stays for sockets and the JVM
            "6, 4096, 4", // never below the setting's minimum
            "0, 4096, 1024", // unknown: the old fixed default
            "-1, 4096, 1024"})
    void theDefaultLeavesAQuarterOfTheLimitAndRoomForTheConnectionsForEverythingElse(long limit, int maxConnections,
            int expected) {
        assertThat(OpenFileBudget.forDescriptorLimit(limit, maxConnections)).isEqualTo(expected);
    }

    @Test
    void withoutTheSettingTheEngineSizesItsLruFromThisProcesssLimit() {
        long limit = OpenFileBudget.descriptorLimit();
        assumeTrue(limit > 0, "a JVM that reports its file-descriptor limit (Unix)");
        int byDefault = StoreConfig.from(Settings.of(Map.of())).maxOpenFiles();
        assertThat(byDefault).isEqualTo(OpenFileBudget.forDescriptorLimit(limit, OpenFileBudget.DEFAULT_MAX_CONNECTIONS))
                .isLessThan((int) Math.min(limit, Integer.MAX_VALUE));
        assertThat(StoreConfig.from(Settings.of(Map.of("MAX_CONNECTIONS", "10"))).maxOpenFiles())
                .isEqualTo(OpenFileBudget.forDescriptorLimit(limit, 10));
        assertThat(StoreConfig.from(Settings.of(Map.of("STORE_MAX_OPEN_FILES", "2000"))).maxOpenFiles()).isEqualTo(2000);
        assertThat(StoreConfig.from(Settings.of(Map.of("STORE_MAX_OPEN_FILES", " "))).maxOpenFiles()).isEqualTo(byDefault);
    }

    @Test
    void aSecondReadOfAPartitionHitsItsOpenFiles(TestInfo test) {
        var dir = TestData.directory(test);
        try (FileStorageEngine engine = Engines.open(dir)) {
            engine.append(Engines.KEY, List.of(Engines.text("one")));
        }
        try (FileStorageEngine engine = Engines.open(dir)) {
            engine.read(Engines.KEY, 0);
            Map<String, Long> first = engine.metrics();
            assertThat(first.get("open_file_misses_total")).as("the first use opens the store and the index").isEqualTo(2);
            engine.read(Engines.KEY, 0);
            Map<String, Long> second = engine.metrics();
            assertThat(second.get("open_file_misses_total")).isEqualTo(2);
            assertThat(second.get("open_file_hits_total") - first.get("open_file_hits_total"))
                    .as("the read found the store open (a segment this small is read by walking its store)").isEqualTo(1);
        }
    }
}
