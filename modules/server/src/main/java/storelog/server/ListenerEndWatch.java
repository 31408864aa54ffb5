package storelog.server;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Notices at once that Helidon 4 ended the HTTP listener by itself. An accept that fails (for want of a
 * file descriptor, say) makes its {@code ServerListener} log that "this server socket is terminating
 * now" and stop accepting for good, and no lifecycle callback follows (the listener's thread then waits
 * for its own close). So the node watches for that record on Helidon's listener logger (the message is
 * pinned by {@code ListenerLostTest}); a Helidon log level above SEVERE would hide it. The record
 * does not say which server's listener ended: with several servers in one JVM (tests embed them) each
 * is told; {@code serve} runs one.
 */
final class ListenerEndWatch extends Handler implements AutoCloseable {

    /** What Helidon's listener logs as it ends (both of its "terminating now" messages end so). */
    static final String ENDING = "this server socket is terminating now";

    private final Logger helidon = Logger.getLogger("io.helidon.webserver.ServerListener"); // held: JUL keeps loggers weakly
    private final Runnable then;

    private ListenerEndWatch(Runnable then) {
        this.then = then;
        setLevel(Level.ALL);
    }

    /** Runs {@code then} whenever Helidon's listener logs that it ends, until {@link #close}. */
    static ListenerEndWatch start(Runnable then) {
        ListenerEndWatch watch = new ListenerEndWatch(then);
        watch.helidon.addHandler(watch);
        return watch;
    }

    @Override
    public void publish(LogRecord record) {
        String message = record.getMessage();
        if (message != null && message.contains(ENDING)) {
            then.run();
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        helidon.removeHandler(this);
    }
}
