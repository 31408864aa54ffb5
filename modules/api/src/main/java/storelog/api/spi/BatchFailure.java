package storelog.api.spi;

/**
 * {@link MessageHandler#handleAll} handled only the first {@link #handled()} messages of a batch:
 * the connector acknowledges those and delivers the rest again.
 */
public class BatchFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final int handled;

    public BatchFailure(int handled, Throwable cause) {
        super(handled + " messages of the batch were handled before a failure: " + cause.getMessage(), cause);
        this.handled = handled;
    }

    /** How many leading messages of the batch were handled (and may be acknowledged). */
    public int handled() {
        return handled;
    }
}
