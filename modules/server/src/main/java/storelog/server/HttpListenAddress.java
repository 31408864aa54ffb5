package storelog.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import storelog.api.InvalidSettingException;

/**
 * {@code HTTP_HOST} and {@code HTTP_PORT} checked before anything is opened: the host must be an
 * address of this machine, the port free to listen on. Helidon itself only logs a listener that
 * fails to bind and goes on without it, which would leave a server running with no HTTP.
 */
final class HttpListenAddress {

    private static final String HOST_NAME = "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*";

    private HttpListenAddress() {
    }

    /** The address {@code host} names, when it is one of this machine's (or the wildcard). */
    static InetAddress host(String host) {
        boolean literal = host.matches("[0-9.]+") || host.contains(":");
        if (!literal && !host.matches(HOST_NAME)) {
            throw new InvalidSettingException("HTTP_HOST", host, "expected an IP address or a host name");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new InvalidSettingException("HTTP_HOST", host, literal ? "expected an IP address or a host name"
                    : "no such host (" + e.getMessage() + ")");
        }
        if (!isLocal(address)) {
            throw new InvalidSettingException("HTTP_HOST", host, "not an address of this machine");
        }
        return address;
    }

    /** Checks that {@code port} can be listened on at {@code address} by binding it once. */
    static void checkPort(InetAddress address, int port) {
        if (port == 0) {
            return; // any free port
        }
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(address, port));
        } catch (BindException e) {
            throw new InvalidSettingException("HTTP_PORT", Integer.toString(port), "cannot listen on "
                    + address.getHostAddress() + ":" + port + " (" + reason(e) + ")");
        } catch (IOException e) {
            throw new InvalidSettingException("HTTP_PORT", Integer.toString(port), "cannot listen: " + e.getMessage());
        }
    }

    private static String reason(BindException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return message.contains("in use") ? "in use by another process"
                : message.contains("ermission") ? "a port below 1024 needs privileges" : message;
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
