package storelog.server;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code storelog serve}: runs the server until SIGTERM or SIGINT, then shuts down in order (stop
 * accepting, finish in-flight requests, close the engine with its clean-shutdown marker) and exits
 * 0. A second signal waits for that; a third, or a shutdown over
 * {@value ShutdownSignals#SHUTDOWN_LIMIT_SECONDS} s, cuts it short with exit code
 * {@value ShutdownSignals#FORCED_EXIT} ({@link ShutdownSignals}). When the HTTP listener stops by itself
 * the same orderly shutdown runs and the exit code is {@value ShutdownSignals#HTTP_LOST_EXIT}.
 */
@Command(name = "serve", description = "Run the server (the default command).", mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        StoreLogServer server = StoreLogServer.start(ConfigSettings.load(), ConfigSettings.webServerSection());
        ShutdownSignals signals = new ShutdownSignals(server, Runtime.getRuntime()::halt);
        signals.install();
        server.httpLost().thenAccept(signals::httpLost); // a node without HTTP does not go on running
        // other ways out (System.exit elsewhere, SIGHUP): close() waits for a shutdown already running
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(server::close));
        signals.awaitStopped();
        return signals.exitCode();
    }
}
