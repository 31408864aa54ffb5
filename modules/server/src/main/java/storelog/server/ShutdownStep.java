package storelog.server;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The steps of a node's orderly shutdown, in order (DESIGN.md §2: the storage engine's close is last). */
enum ShutdownStep {
    LEAVE_CLUSTER("leaving the cluster (a leader releases its lease)"),
    STOP_HTTP("stopping HTTP (in-flight requests finish)"),
    CLOSE_CONNECTOR("closing the connector"),
    CLOSE_ENGINE("closing the storage engine (writing buffered records, fsync, the clean-shutdown marker)"),
    DONE("nothing");

    private final String description;

    ShutdownStep(String description) {
        this.description = description;
    }

    /** This step and every later one, as a sentence fragment: what an exit now would skip. */
    String withTheRest() {
        return Arrays.stream(values()).filter(s -> s.ordinal() >= ordinal() && s != DONE)
                .map(s -> s.description).collect(Collectors.joining(", "));
    }

    String description() {
        return description;
    }
}
