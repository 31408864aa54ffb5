package storelog.connector.kafka;

import java.io.IOException;
import java.io.InputStream;

/**
 * The test broker's main class, run in the child JVM on a plain class path: ends the JVM when its
 * standard input closes — when the test JVM that started it ends, even if it is killed — and runs
 * {@code kafka.Kafka} with the given arguments. Reflection keeps the tests free of compile-time
 * dependencies on the broker.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // nothing is sent; only the end counts
                }
            } catch (IOException e) {
                // the parent is gone either way
            }
            System.err.println("BrokerMain: the test JVM is gone; halting the broker");
            Runtime.getRuntime().halt(3);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) args);
    }
}
