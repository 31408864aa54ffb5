package storelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import storelog.testkit.TestData;

/** Start-up as a user sees it: a child JVM, configured by environment, system properties and conf/storelog.yaml. */
class StartupConfigTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "HTTP_PORT|eighty|HTTP_PORT=eighty: expected a whole number",
            "HTTP_PORT|70000|HTTP_PORT=70000: expected a number from 0 to 65535",
            "FSYNC|sometimes|FSYNC=sometimes: expected always, never or interval:<ms>",
            "MAX_FILE_SIZE|big|MAX_FILE_SIZE=big: expected a whole number",
            "MAX_BODY_BYTES|-5|MAX_BODY_BYTES=-5: expected a number from 1024",
            "CONNECTOR|pigeon|CONNECTOR=pigeon: no ConnectorProvider plugin has that name; found: channel",
            "STORAGE|rocks|STORAGE=rocks: no StorageEngineProvider plugin has that name; found: file",
            "NODE_ID|has space|NODE_ID=has space: expected",
            "CHANNEL_CAPACITY|0|CHANNEL_CAPACITY=0: ",
            "SEEDS|10.0.0.2:7946|CLUSTER_SECRET=: required when the node runs in a cluster (SEEDS is set)",
            "ELECTOR|raft|CLUSTER_SECRET=: required when the node runs in a cluster (ELECTOR is set)",
            "MAX_CONNECTIONS|0|MAX_CONNECTIONS=0: expected a number from 1 to 1000000",
            "HTTP_HOST|not a host!|HTTP_HOST=not a host!: expected an IP address or a host name",
            "HTTP_HOST|192.0.2.1|HTTP_HOST=192.0.2.1: not an address of this machine",
            "ADVERTISE_ADDR|10.0.0.1:99999|ADVERTISE_ADDR=10.0.0.1:99999: expected host:port with a port from 1 to 65535",
            "ADVERTISE_ADDR|10.0.0.1:gossip|ADVERTISE_ADDR=10.0.0.1:gossip: expected host:port with a port from 1 to 65535",
            "ADVERTISE_ADDR|:7946|ADVERTISE_ADDR=:7946: expected host:port",
            "PLUGINS_DIR|/nonexistent/plugins|PLUGINS_DIR=/nonexistent/plugins: no such directory",
            "STORELOG_CONFIG|/nonexistent/storelog.yaml|STORELOG_CONFIG=/nonexistent/storelog.yaml: no such file",
            "MAX_CONCURRENT_REQUESTS|many|MAX_CONCURRENT_REQUESTS=many: expected a whole number",
            "MAX_LONG_POLLS|1024|MAX_LONG_POLLS=1024: expected fewer than MAX_CONCURRENT_REQUESTS (1024)"})
    void aBadValueStopsStartUpWithOneLineAndExitCode2(String variable, String value, String message, TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Map<String, String> env = new java.util.HashMap<>(Map.of("DATA_DIR", dir.resolve("data").toString(), "HTTP_PORT", "0"));
        env.put(variable, value);
        try (ServerProcess server = ServerProcess.start(dir, env, List.of())) {
            assertThat(server.awaitExit()).isEqualTo(2);
            assertThat(server.stderr().lines().filter(l -> l.startsWith("storelog: ")).toList())
                    .singleElement().asString().startsWith("storelog: " + message);
        }
    }

    @Test
    void aPortInUseStopsStartUpWithOneLineNamingHttpPort(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerProcess server = ServerProcess.start(dir, Map.of("DATA_DIR", dir.resolve("data").toString(),
                     "HTTP_HOST", "127.0.0.1", "HTTP_PORT", Integer.toString(taken.getLocalPort())), List.of())) {
            assertThat(server.awaitExit()).isEqualTo(2);
            assertThat(server.stderr().lines().filter(l -> l.startsWith("storelog: ")).toList()).singleElement().asString()
                    .startsWith("storelog: HTTP_PORT=" + taken.getLocalPort() + ": ").contains("in use");
        }
    }

    @Test
    void aConfigFileNamedBySystemPropertyMustExist(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Path missing = dir.resolve("nowhere.yaml");
        try (ServerProcess server = ServerProcess.start(dir, Map.of("DATA_DIR", dir.resolve("data").toString(), "HTTP_PORT", "0"),
                List.of("-Dstorelog.config=" + missing))) {
            assertThat(server.awaitExit()).isEqualTo(2);
            assertThat(server.stderr().lines().filter(l -> l.startsWith("storelog: ")).toList())
                    .containsExactly("storelog: storelog.config=" + missing + ": no such file");
        }
    }

    @Test
    void anUnwritableDataDirStopsStartUpWithExitCode2(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        try (ServerProcess server = ServerProcess.start(dir, Map.of("DATA_DIR", file.resolve("data").toString(), "HTTP_PORT", "0"),
                List.of())) {
            assertThat(server.awaitExit()).isEqualTo(2);
            assertThat(server.stderr()).contains("storelog: DATA_DIR=" + file.resolve("data"));
        }
    }

    @Test
    void theConfigFilesServerSectionConfiguresTheWebServer(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Files.writeString(Files.createDirectories(dir.resolve("conf")).resolve("storelog.yaml"), """
                HTTP_PORT: 0
                server:
                  idle-connection-timeout: PT1S
                  idle-connection-period: PT0.2S
                """);
        try (ServerProcess server = ServerProcess.start(dir, Map.of("DATA_DIR", dir.resolve("data").toString()), List.of());
             RawConnection idle = new RawConnection(server.awaitPort())) {
            assertThat(idle.get("/health").readResponse()).startsWith("HTTP/1.1 200");
            assertThat(idle.closedByServer()).as("an idle connection is closed after server.idle-connection-timeout").isTrue();
            server.terminate();
            assertThat(server.awaitExit()).isZero();
        }
    }

    @Test
    void theServerSectionMayNotSetWhatAStoreLogSettingOwns(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Files.writeString(Files.createDirectories(dir.resolve("conf")).resolve("storelog.yaml"), """
                server:
                  port: 9090
                """);
        try (ServerProcess server = ServerProcess.start(dir, Map.of("DATA_DIR", dir.resolve("data").toString()), List.of())) {
            assertThat(server.awaitExit()).isEqualTo(2);
            assertThat(server.stderr().lines().filter(l -> l.startsWith("storelog: ")).toList())
                    .containsExactly("storelog: server.port=9090: set HTTP_PORT instead");
        }
    }

    @Test
    void systemPropertiesBeatTheEnvironmentWhichBeatsTheConfigFile(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("storelog.yaml"), """
                # storelog.yaml: the same names as the environment variables
                NODE_ID: from-file
                CONNECTOR_TOPIC: topic-from-file
                HTTP_PORT: 0
                """);
        try (ServerProcess server = ServerProcess.start(dir, Map.of("DATA_DIR", dir.resolve("data").toString(),
                "NODE_ID", "from-env", "CONNECTOR_TOPIC", "topic-from-env"), List.of("-DNODE_ID=from-property"))) {
            int port = server.awaitPort();
            JsonNode status = new ObjectMapper().readTree(HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(status.get("node_id").asText()).isEqualTo("from-property");
            assertThat(server.stderr()).contains("topic topic-from-env");
            server.terminate();
            assertThat(server.awaitExit()).isZero();
        }
    }
}
