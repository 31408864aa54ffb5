package storelog.discovery.gossip;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free gossip ports on loopback for tests: the port itself and failure detection's four above it. */
final class Ports {

    private Ports() {
    }

    /** A port {@code p} such that {@code p} and {@code p + 100} to {@code p + 103} can be bound on 127.0.0.1 now. */
    static int free() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 59_000);
            if (bindable(port) && bindable(port + 100) && bindable(port + 101) && bindable(port + 102) && bindable(port + 103)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port found");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
