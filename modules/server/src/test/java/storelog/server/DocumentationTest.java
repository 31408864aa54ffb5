package storelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README and the shipped config file, as a user gets them with the repository or the image. */
class DocumentationTest {

    private static final Path ROOT = root();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    private static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("distribution"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }

    private static String readme() throws IOException {
        return Files.readString(ROOT.resolve("README.md"));
    }

    private static String configuration() throws IOException {
        String readme = readme();
        int start = readme.indexOf("\n## Configuration");
        return readme.substring(start, readme.indexOf("\n## ", start + 1));
    }

    @Test
    void theReadmeLinksNothingOutsideTheRepository() throws IOException {
        String readme = readme();
        Matcher links = LINK.matcher(readme);
        while (links.find()) {
            String target = links.group(1).replaceAll("#.*", "");
            if (target.matches("[a-z]+:.*") || target.isEmpty()) {
                continue; // a web address or an anchor
            }
            Path resolved = ROOT.resolve(target).normalize();
            assertThat(resolved).as("link %s", target).startsWith(ROOT).exists();
        }
        assertThat(readme).doesNotContain("../").doesNotContain("API.md").doesNotContain("DESIGN.md");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DATA_DIR", "MAX_FILE_SIZE", "FSYNC", "STORAGE", "STORE_MAX_OPEN_FILES", "STORE_RECOVERY_DELAY_MS", "NODE_ID", "HTTP_HOST",
            "HTTP_PORT", "MAX_BODY_BYTES", "MAX_JSON_DEPTH", "MAX_WAIT_MS", "MAX_CONNECTIONS", "MAX_CONCURRENT_REQUESTS",
            "MAX_LONG_POLLS", "CONNECTOR", "CONNECTOR_TOPIC", "CHANNEL_CAPACITY", "CHANNEL_PUBLISH_TIMEOUT_MS", "ADVERTISE_ADDR",
            "CLUSTER_SECRET", "SEEDS", "SERVICE_NAME", "DNS_SERVER", "ELECTOR", "PLUGINS_DIR", "ADVERTISE_HTTP", "BIND_ADDR",
            "CLUSTER_PORT", "GOSSIP_FAILURE_TIMEOUT_MS", "DNS_INTERVAL_MS", "DNS_TIMEOUT_MS", "REDIS_ADDR", "REDIS_PASSWORD",
            "LEADER_TTL", "RAFT_PORT", "RAFT_REMOVE_AFTER_MS", "DISCOVERY", "ACKS", "MIN_INSYNC", "REPLICA_LAG_MS", "GAP_INTERVAL",
            "REPLICATION_WINDOW"})
    void everySettingIsInTheReadmesTableAndTheShippedConfigFile(String name) throws IOException {
        assertThat(configuration()).contains("`" + name + "`");
        List<String> conf = Files.readAllLines(ROOT.resolve("distribution/src/conf/storelog.yaml"));
        assertThat(conf).anySatisfy(line -> assertThat(line).startsWith("# " + name + ":"));
    }
}
