package storelog.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import storelog.api.CorruptRecordException;
import storelog.api.InvalidPartitionKeyException;
import storelog.api.InvalidRecordException;
import storelog.api.OffsetMismatchException;
import storelog.api.OffsetOutOfRangeException;
import storelog.api.StorageFailedException;
import storelog.api.StorageFullException;
import storelog.api.StoreLogException;
import storelog.api.UnknownPartitionException;
import storelog.core.BadRequestException;
import storelog.core.ShuttingDownException;
import storelog.core.TooManyLongPollsException;
import storelog.core.LogMismatchException;
import storelog.core.NotAFollowerException;
import storelog.core.NotEnoughReplicasException;
import storelog.core.NotLeaderException;
import storelog.api.StaleEpochException;

/**
 * The one error mapper: every failure becomes {@code {"error": "<sentence>", "code": "<code>"}} with
 * the status API.md gives it. An unexpected exception is a 500, logged once with its stack, and the
 * server keeps serving (GoStoreLog's panic-recovery middleware).
 */
final class ErrorMapper implements ErrorHandler<Throwable> {

    private static final Logger LOG = System.getLogger(ErrorMapper.class.getName());
    /** {@code Retry-After} of a 503 that a retry shortly may not get (a limit reached, a node going away). */
    static final String RETRY_AFTER_SECONDS = "1";

    @Override
    public void handle(ServerRequest req, ServerResponse res, Throwable error) {
        if (error instanceof UploadAbortedException aborted) {
            LOG.log(Level.WARNING, aborted.getMessage());
            answerGone(res, aborted);
            return;
        }
        if (res.isSent()) {
            LOG.log(Level.WARNING, "failure after the response to " + request(req) + " was sent", error);
            return;
        }
        res.status(status(error));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        if (error instanceof HttpException http) {
            Json.send(res, http.status(), json -> write(json, http.getMessage(), codeOf(http.status()), null));
            return;
        }
        if (!(error instanceof StoreLogException known)) {
            LOG.log(Level.ERROR, "unexpected failure handling " + request(req), error);
            Json.send(res, Status.INTERNAL_SERVER_ERROR_500,
                    json -> write(json, "internal error: " + error.getClass().getSimpleName(), "internal_error", null));
            return;
        }
        String message = ClientMessage.of(known.getMessage());
        if (known instanceof CorruptRecordException) {
            LOG.log(Level.ERROR, request(req) + ": " + known.getMessage());
        } else if (!message.equals(known.getMessage())) {
            LOG.log(Level.WARNING, request(req) + ": " + known.getMessage()); // what the client is not shown
        }
        if (known instanceof TooManyLongPollsException || known instanceof ShuttingDownException
                || known instanceof NotEnoughReplicasException) {
            res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        if (known instanceof NotLeaderException notLeader) {
            notLeader.leaderHttp().ifPresentOrElse(
                    leader -> res.header(HeaderNames.LOCATION, "http://" + leader + req.path().rawPath()
                            + (req.query().isEmpty() ? "" : "?" + req.query().rawValue())),
                    () -> res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS));
        }
        Json.send(res, status(error), json -> write(json, message, known.code(), extra -> {
            if (known instanceof OffsetMismatchException m) {
                extra.writeNumberField("next_offset", m.nextOffset());
            } else if (known instanceof OffsetOutOfRangeException o) {
                extra.writeNumberField("next_offset", o.nextOffset());
            } else if (known instanceof NotEnoughReplicasException n) {
                extra.writeBooleanField("stored", n.stored());
            } else if (known instanceof StaleEpochException s) {
                extra.writeNumberField("epoch", s.highest());
            } else if (known instanceof LogMismatchException m) {
                extra.writeNumberField("next_offset", m.nextOffset());
                extra.writeNumberField("follower_epoch", m.epoch());
                extra.writeNumberField("follower_epoch_start", m.epochStart());
            } else if (known instanceof NotLeaderException n && n.leaderHttp().isPresent()) {
                extra.writeStringField("leader_http", n.leaderHttp().get());
            }
        }));
    }

    /**
     * Answers a client that has most likely gone: the response counts as handled (else Helidon logs
     * the failure again, with its stack), and failing to write it is expected.
     */
    private static void answerGone(ServerResponse res, UploadAbortedException aborted) {
        try {
            res.header(HeaderValues.CONNECTION_CLOSE);
            Json.send(res, Status.BAD_REQUEST_400, json -> write(json, aborted.getMessage(), "upload_aborted", null));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "the client of an aborted upload is gone: " + e);
        }
    }

    private static void write(com.fasterxml.jackson.core.JsonGenerator json, String message, String code, Json.Body extra)
            throws java.io.IOException {
        json.writeStartObject();
        json.writeStringField("error", message == null ? "error" : message);
        json.writeStringField("code", code);
        if (extra != null) {
            extra.write(json);
        }
        json.writeEndObject();
    }

    private static String request(ServerRequest req) {
        return req.prologue().method().text() + " " + req.path().path();
    }

    /** The status of a failure (API.md §3). */
    static Status status(Throwable error) {
        if (error instanceof HttpException http) {
            return http.status();
        }
        if (error instanceof BadRequestException || error instanceof InvalidRecordException
                || error instanceof InvalidPartitionKeyException) {
            return Status.BAD_REQUEST_400;
        }
        if (error instanceof UnknownPartitionException || error instanceof OffsetOutOfRangeException) {
            return Status.NOT_FOUND_404;
        }
        if (error instanceof OffsetMismatchException || error instanceof StaleEpochException || error instanceof LogMismatchException) {
            return Status.CONFLICT_409;
        }
        if (error instanceof NotAFollowerException) {
            return Status.FORBIDDEN_403;
        }
        if (error instanceof StorageFullException) {
            return Status.INSUFFICIENT_STORAGE_507;
        }
        if (error instanceof StorageFailedException || error instanceof TooManyLongPollsException
                || error instanceof ShuttingDownException || error instanceof NotLeaderException
                || error instanceof NotEnoughReplicasException) {
            return Status.SERVICE_UNAVAILABLE_503;
        }
        return Status.INTERNAL_SERVER_ERROR_500;
    }

    /** A code for a status raised by Helidon itself. */
    static String codeOf(Status status) {
        return switch (status.code()) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 503 -> "too_many_requests"; // Helidon answers 503 itself only at MAX_CONCURRENT_REQUESTS
            case 505 -> "http_version_not_supported";
            default -> status.code() >= 500 ? "internal_error" : "http_" + status.code();
        };
    }
}
