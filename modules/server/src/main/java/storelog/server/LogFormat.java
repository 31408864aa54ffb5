package storelog.server;

/** One line per log event: time, level, logger, message (unless the user configured JUL). */
final class LogFormat {

    private LogFormat() {
    }

    static void install() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null
                && System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
    }
}
