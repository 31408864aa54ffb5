package storelog.http;

/**
 * The client closed the connection before its request body was complete. Nothing is wrong with the
 * server and nobody is left to answer: logged as one warning line, without a stack.
 */
final class UploadAbortedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UploadAbortedException(String request, Throwable cause) {
        super(request + ": the client closed the connection before the whole request body arrived ("
                + cause.getClass().getSimpleName() + ")", cause, false, false);
    }
}
