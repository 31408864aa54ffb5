package storelog.http;

import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;

/**
 * Tells when the HTTP listener stops, whoever stops it: the node's own shutdown, or Helidon itself
 * after an error it does not go on from — an accept that fails (for want of a file descriptor, say)
 * ends Helidon 4's listener for good ("this server socket is terminating now"), while the process
 * would go on without HTTP.
 */
final class ListenerStopped implements HttpFeature {

    private final Runnable then;

    ListenerStopped(Runnable then) {
        this.then = then;
    }

    @Override
    public void setup(HttpRouting.Builder routing) {
        // no routes: only the listener's lifecycle
    }

    @Override
    public void afterStop() {
        then.run();
    }
}
