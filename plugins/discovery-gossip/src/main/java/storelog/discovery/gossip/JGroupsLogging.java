package storelog.discovery.gossip;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.IllegalFormatException;
import org.jgroups.logging.CustomLogFactory;
import org.jgroups.logging.Log;
import org.jgroups.logging.LogFactory;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.UUID;

/**
 * Sends JGroups' logging to {@link System.Logger} (which the server routes), instead of
 * java.util.logging, which the image's boot layer need not have. Levels: FATAL and ERROR → ERROR,
 * WARN → WARNING, INFO → DEBUG (JGroups' INFO is start-up detail; the plugin logs membership events
 * itself), DEBUG and TRACE → TRACE. Also makes addresses print as their node name only: JGroups
 * would otherwise print every address attribute, the {@link SharedSecret} proof among them.
 */
final class JGroupsLogging implements CustomLogFactory {

    private JGroupsLogging() {
    }

    /** Installs the logging for this copy of JGroups; call before any other JGroups class is used. */
    static void install() {
        if (!(LogFactory.getCustomLogFactory() instanceof JGroupsLogging)) {
            LogFactory.setCustomLogFactory(new JGroupsLogging());
        }
        ExtendedUUID.setPrintFunction(UUID::printName);
    }

    @Override
    public Log getLog(Class<?> clazz) {
        return getLog(clazz.getName());
    }

    @Override
    public Log getLog(String category) {
        return new SystemLoggerLog(System.getLogger(category));
    }

    /** One JGroups log written to a System.Logger; JGroups' messages are {@link String#format} patterns. */
    private record SystemLoggerLog(Logger target) implements Log {

        private boolean on(Level level) {
            return target.isLoggable(level);
        }

        private void log(Level level, String format, Object... args) {
            if (on(level)) {
                target.log(level, format(format, args));
            }
        }

        private void log(Level level, String message, Throwable throwable) {
            if (on(level)) {
                target.log(level, message, throwable);
            }
        }

        private static String format(String format, Object... args) {
            if (args == null || args.length == 0) {
                return format;
            }
            try {
                return String.format(format, args);
            } catch (IllegalFormatException e) {
                return format + " " + Arrays.toString(args);
            }
        }

        @Override
        public boolean isFatalEnabled() {
            return on(Level.ERROR);
        }

        @Override
        public boolean isErrorEnabled() {
            return on(Level.ERROR);
        }

        @Override
        public boolean isWarnEnabled() {
            return on(Level.WARNING);
        }

        @Override
        public boolean isInfoEnabled() {
            return on(Level.DEBUG);
        }

        @Override
        public boolean isDebugEnabled() {
            return on(Level.TRACE);
        }

        @Override
        public boolean isTraceEnabled() {
            return on(Level.TRACE);
        }

        @Override
        public void fatal(String msg) {
            log(Level.ERROR, msg);
        }

        @Override
        public void fatal(String format, Object... args) {
            log(Level.ERROR, format, args);
        }

        @Override
        public void fatal(String msg, Throwable throwable) {
            log(Level.ERROR, msg, throwable);
        }

        @Override
        public void error(String msg) {
            log(Level.ERROR, msg);
        }

        @Override
        public void error(String format, Object... args) {
            log(Level.ERROR, format, args);
        }

        @Override
        public void error(String msg, Throwable throwable) {
            log(Level.ERROR, msg, throwable);
        }

        @Override
        public void warn(String msg) {
            log(Level.WARNING, msg);
        }

        @Override
        public void warn(String format, Object... args) {
            log(Level.WARNING, format, args);
        }

        @Override
        public void warn(String msg, Throwable throwable) {
            log(Level.WARNING, msg, throwable);
        }

        @Override
        public void info(String msg) {
            log(Level.DEBUG, msg);
        }

        @Override
        public void info(String format, Object... args) {
            log(Level.DEBUG, format, args);
        }

        @Override
        public void debug(String msg) {
            log(Level.TRACE, msg);
        }

        @Override
        public void debug(String format, Object... args) {
            log(Level.TRACE, format, args);
        }

        @Override
        public void debug(String msg, Throwable throwable) {
            log(Level.TRACE, msg, throwable);
        }

        @Override
        public void trace(Object obj) {
            log(Level.TRACE, String.valueOf(obj));
        }

        @Override
        public void trace(String msg) {
            log(Level.TRACE, msg);
        }

        @Override
        public void trace(String format, Object... args) {
            log(Level.TRACE, format, args);
        }

        @Override
        public void trace(String msg, Throwable throwable) {
            log(Level.TRACE, msg, throwable);
        }

        /** Levels are the server's to set, through its logging configuration. */
        @Override
        public void setLevel(String level) {
            // ignored: JGroups calls this for a protocol's "level" property, which this stack never sets
        }

        @Override
        public String getLevel() {
            return on(Level.TRACE) ? "trace" : on(Level.DEBUG) ? "info" : on(Level.WARNING) ? "warn" : "error";
        }
    }
}
