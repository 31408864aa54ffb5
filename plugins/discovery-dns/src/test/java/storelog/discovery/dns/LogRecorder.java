package storelog.discovery.dns;

import java.lang.System.Logger.Level;
import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** A System.Logger that keeps every line it is given (all levels), for tests; thread-safe. */
final class LogRecorder implements System.Logger {

    /** One logged line. */
    record Line(Level level, String text, Throwable thrown) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    List<Line> lines() {
        return List.copyOf(lines);
    }

    List<String> at(Level level) {
        return lines.stream().filter(l -> l.level() == level).map(Line::text).toList();
    }

    @Override
    public String getName() {
        return "log-recorder";
    }

    @Override
    public boolean isLoggable(Level level) {
        return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String text, Throwable thrown) {
        lines.add(new Line(level, text, thrown));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        lines.add(new Line(level, params == null || params.length == 0 ? format : MessageFormat.format(format, params), null));
    }
}
