package storelog.api;

/**
 * A configuration value cannot be used. The message is one line naming the variable and the value,
 * e.g. {@code FSYNC=sometimes: expected always, never or interval:<ms>}; the launcher prints it and
 * exits with code 2.
 */
public class InvalidSettingException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final String value;

    public InvalidSettingException(String name, String value, String reason) {
        super(name + "=" + value + ": " + reason);
        this.name = name;
        this.value = value;
    }

    /** The variable's name, e.g. {@code MAX_FILE_SIZE}. */
    public String name() {
        return name;
    }

    /** The value as given. */
    public String value() {
        return value;
    }

    @Override
    public String code() {
        return "invalid_setting";
    }
}
