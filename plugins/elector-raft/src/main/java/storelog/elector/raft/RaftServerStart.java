package storelog.elector.raft;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import storelog.api.InvalidSettingException;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.ElectorUnavailableException;

/**
 * Starts the elector's Raft server: an address this node cannot listen on is refused as a setting
 * ({@link RaftSettings#RAFT_PORT}) before Ratis tries, since Ratis would leave threads behind; any
 * other failure is {@link ElectorUnavailableException}. Ratis runs under the plugin's class loader.
 */
final class RaftServerStart {

    private RaftServerStart() {
    }

    /**
     * Starts the server with its storage in {@code RaftElector.STORAGE} under the context's state
     * directory; {@code changed} runs on every state-machine change.
     */
    static RaftNode start(ElectionContext context, RaftSettings settings, ClassLoader pluginLoader, Runnable changed) {
        checkBindable(context, settings);
        Path directory = context.stateDirectory();
        Thread caller = Thread.currentThread();
        ClassLoader callerLoader = caller.getContextClassLoader();
        // Ratis finds its metrics implementation with ServiceLoader through the context class loader,
        // and its threads inherit it from this one: make it the plugin's, whoever calls
        caller.setContextClassLoader(pluginLoader);
        try {
            Path storage = Files.createDirectories(directory.resolve(RaftElector.STORAGE));
            return RaftNode.start(settings, context.nodeId(), storage, InitialPeers.read(directory), changed);
        } catch (IOException | RuntimeException e) {
            if (rootCause(e) instanceof BindException) {
                throw portUnusable(context, settings, rootCause(e));
            }
            throw new ElectorUnavailableException("raft elector " + context.nodeId() + " cannot start its Raft server on "
                    + settings.self() + " with storage " + directory + ": " + e.getMessage(), e);
        } finally {
            caller.setContextClassLoader(callerLoader);
        }
    }

    private static void checkBindable(ElectionContext context, RaftSettings settings) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(settings.self().host(), settings.self().port()));
        } catch (IOException e) {
            throw portUnusable(context, settings, e);
        }
    }

    private static InvalidSettingException portUnusable(ElectionContext context, RaftSettings settings, Throwable e) {
        String value = context.settings().string(RaftSettings.RAFT_PORT, Integer.toString(settings.self().port()));
        return new InvalidSettingException(RaftSettings.RAFT_PORT, value, "this node cannot listen on its Raft address "
                + settings.self() + ": " + e.getMessage() + " (is the port taken, or the host not this machine's?)");
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
