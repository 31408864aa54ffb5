package storelog.server;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import sun.misc.Signal;

/**
 * {@code storelog serve}: runs the server until SIGTERM or SIGINT, then shuts down in order (stop
 * accepting, finish in-flight requests, close the engine with its clean-shutdown marker) and exits
 * 0. A shutdown that takes longer than {@value #SHUTDOWN_LIMIT_SECONDS} s is cut short with exit 1.
 */
@Command(name = "serve", description = "Run the server (the default command).", mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {

    static final int SHUTDOWN_LIMIT_SECONDS = 10;
    private static final Logger LOG = System.getLogger(ServeCommand.class.getName());

    @Override
    public Integer call() throws InterruptedException {
        StoreLogServer server = StoreLogServer.start(ConfigSettings.load(), ConfigSettings.webServerSection());
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                try {
                    if (!stopped.await(SHUTDOWN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                        LOG.log(Level.ERROR, "shutdown took longer than {0} s; exiting", SHUTDOWN_LIMIT_SECONDS);
                        Runtime.getRuntime().halt(1);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                server.close();
            } finally {
                stopped.countDown();
                watchdog.interrupt();
            }
        };
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                LOG.log(Level.INFO, "SIG{0}: shutting down", name);
                Thread.ofPlatform().name("storelog-shutdown").start(stop);
            });
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(server::close)); // other ways out
        stopped.await();
        return 0;
    }
}
