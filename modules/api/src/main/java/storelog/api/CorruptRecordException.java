package storelog.api;

import java.nio.file.Path;

/**
 * Stored bytes failed their checks (CRC, length, offset, format header). Never answered with wrong
 * data: the read fails and names the file and position so an operator can run {@code verify}.
 */
public class CorruptRecordException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long position;

    public CorruptRecordException(String message, Path file, long position) {
        super(message + " (file " + file + ", byte position " + position + ")");
        this.file = file;
        this.position = position;
    }

    public Path file() {
        return file;
    }

    public long position() {
        return position;
    }

    @Override
    public String code() {
        return "corrupt_record";
    }
}
