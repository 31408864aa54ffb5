package storelog.api.spi;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@link StorageEngineProvider#verify}: what is damaged and where, and what a repair
 * did. Clean means no problem is left.
 *
 * @param partitions how many partitions were checked
 * @param records    how many records were checked
 * @param problems   damage found and not repaired
 * @param repairs    what a repair changed, one sentence each
 */
public record VerificationReport(int partitions, long records, List<Problem> problems, List<String> repairs) {

    public VerificationReport {
        problems = List.copyOf(problems);
        repairs = List.copyOf(repairs);
    }

    /** Whether no damage is left. */
    public boolean isClean() {
        return problems.isEmpty();
    }

    /**
     * One piece of damage.
     *
     * @param file     the file it is in
     * @param position byte position in that file, or -1 when it concerns the whole file
     * @param offset   the record offset concerned, or -1 when none
     * @param what     a sentence saying what is wrong
     */
    public record Problem(Path file, long position, long offset, String what) {

        @Override
        public String toString() {
            return file + (position >= 0 ? " @" + position : "") + (offset >= 0 ? " offset " + offset : "") + ": " + what;
        }
    }
}
