package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * The secret never reaches a log, at any level: two nodes with a secret in child JVMs, logging
 * everything (java.util.logging at ALL, so JGroups' TRACE too), join, and a third with another
 * secret is refused; no log line holds the secret, nor an address printed with its attributes.
 */
class SecretLoggingTest {

    private static final String SECRET = "Do-Not-Log-This-7f3a";

    @Test
    void noLogLineAtAnyLevelHoldsTheSecretOrAnAddressProof(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Path logging = Files.writeString(dir.resolve("logging.properties"), """
                handlers=java.util.logging.ConsoleHandler
                .level=ALL
                java.util.logging.ConsoleHandler.level=ALL
                """);
        String cluster = "logging-" + System.nanoTime();
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        List<String> seeds = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]);
        String config = "-Djava.util.logging.config.file=" + logging;

        List<Path> logs;
        try (ChildNode a = ChildNode.start(cluster, "a", ports[0], SECRET, seeds, dir, config);
             ChildNode b = ChildNode.start(cluster, "b", ports[1], SECRET, seeds, dir, config);
             ChildNode intruder = ChildNode.start(cluster, "intruder", ports[2], SECRET + "-wrong", seeds, dir, config)) {
            a.awaitMembers(Set.of("a", "b"));
            b.awaitMembers(Set.of("a", "b"));
            Eventually.within(TestNode.VIEW_DEADLINE, "a logs that it ignores the intruder",
                    () -> contains(a.log, "ignoring node intruder"), () -> a.log);
            logs = List.of(a.log, b.log, intruder.log);
        }

        for (Path log : logs) {
            String text = Files.readString(log);
            assertThat(text).as("%s logs JGroups' trace lines", log.getFileName()).contains("FINER: ").contains("GET_MBRS_REQ");
            assertThat(text).as(log.getFileName().toString()).doesNotContain(SECRET).doesNotContain(SharedSecret.KEY + "=");
        }
    }

    private static boolean contains(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
