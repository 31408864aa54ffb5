package storelog.it;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Errors a load run met, counted by kind: an HTTP error by status and error code
 * ({@code "503 not_enough_replicas stored=true"}, from the body's {@code code}), an exception by its class
 * ({@code "java.net.http.HttpTimeoutException"}), anything else by the name the caller gives it
 * ({@code "leader change"}). A fault-free run expects none; the kinds say what went wrong. Thread-safe.
 */
final class ErrorKinds {

    private static final Pattern ERROR = Pattern.compile("^(\\d{3}) .*?\"code\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STORED = Pattern.compile("\"stored\"\\s*:\\s*(true|false)");
    private static final Pattern STATUS = Pattern.compile("^(\\d{3}) ");
    private static final Pattern EXCEPTION = Pattern.compile("^([\\w.$]+(Exception|Error))");

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts one error of {@code kind}. */
    void add(String kind) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** Counts the error {@code detail} describes: {@code "<status> <body>"} or an exception's {@code toString()}. */
    void addDetail(String detail) {
        add(kindOf(detail));
    }

    /** The kind of an error detail (see the class comment). */
    static String kindOf(String detail) {
        Matcher error = ERROR.matcher(detail);
        if (error.find()) {
            Matcher stored = STORED.matcher(detail);
            return error.group(1) + " " + error.group(2) + (stored.find() ? " stored=" + stored.group(1) : "");
        }
        Matcher status = STATUS.matcher(detail);
        if (status.find()) {
            return status.group(1);
        }
        Matcher exception = EXCEPTION.matcher(detail);
        return exception.find() ? exception.group(1) : detail;
    }

    /** Every kind seen with its count, sorted by kind. */
    Map<String, Long> counts() {
        Map<String, Long> all = new TreeMap<>();
        counts.forEach((kind, n) -> all.put(kind, n.sum()));
        return all;
    }

    long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
