package storelog.gostorelog;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import storelog.api.spi.VerificationReport.Problem;

/**
 * GoStoreLog data that does not fit its format: what is wrong, in which file, at which byte
 * position and (when known) for which record offset. Thrown by the reader at the first such problem;
 * the message is {@link Problem#toString()}, e.g.
 * {@code /data/orders/segment_0.store @120 offset 7: frame of length 300 runs past the end ...}.
 */
public final class GoStoreLogFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    /** A problem in {@code file} at byte {@code position} (-1: the whole file), record {@code offset} (-1: none). */
    public GoStoreLogFormatException(Path file, long position, long offset, String what) {
        this(new Problem(Objects.requireNonNull(file, "file"), position, offset, what));
    }

    public GoStoreLogFormatException(Problem problem) {
        super(problem.toString());
        this.problem = problem;
    }

    /** The problem: file, position, offset and a sentence saying what is wrong. */
    public Problem problem() {
        return problem;
    }

    /** The file the problem is in. */
    public Path file() {
        return problem.file();
    }

    /** Byte position in {@link #file()}, or -1 when it concerns the whole file. */
    public long position() {
        return problem.position();
    }
}
