package storelog.discovery.dns;

/** A resolution could not be completed (no answer, an error answer, a server that cannot be reached): its result is unknown. */
final class LookupFailure extends Exception {

    private static final long serialVersionUID = 1L;

    LookupFailure(String message) {
        super(message);
    }
}
