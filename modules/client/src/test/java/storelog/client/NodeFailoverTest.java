package storelog.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.DataType;

class NodeFailoverTest {

    private TestNode node;
    private String down;

    @BeforeEach
    void start(TestInfo test) throws IOException {
        node = TestNode.start(test);
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            down = "http://127.0.0.1:" + unused.getLocalPort();
        }
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aNodeThatIsDownIsStatusZeroConnectionFailed() {
        try (StoreLogClient client = TestNode.clientOf(down)) {
            StoreLogClientException e = catchThrowableOfType(StoreLogClientException.class,
                    () -> client.publish("x", DataType.STRING, "p"));

            assertThat(e.status()).isZero();
            assertThat(e.code()).isEqualTo("connection_failed");
            assertThat(e.serverMessage()).contains(down);
        }
    }

    @Test
    void aClosedNodeIsStatusZeroConnectionFailed() {
        try (StoreLogClient client = node.client()) {
            client.publish("x", DataType.STRING, "p");
            node.close();

            StoreLogClientException e = catchThrowableOfType(StoreLogClientException.class, () -> client.read("p", 0));

            assertThat(e.status()).isZero();
            assertThat(e.code()).isEqualTo("connection_failed");
        }
    }

    @Test
    void whenTheFirstNodeIsDownTheClientUsesTheNext() {
        try (StoreLogClient client = TestNode.clientOf(down, node.url())) {
            long offset = client.publish("x", DataType.STRING, "p");

            assertThat(client.read("p", offset).asString()).isEqualTo("x");
        }
    }
}
