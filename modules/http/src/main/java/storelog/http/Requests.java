package storelog.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import storelog.api.PartitionKey;
import storelog.core.BadRequestException;

/** Reading requests within their limits: the body (type, size) and query parameters. */
final class Requests {

    /** The most heap a body of declared length takes before its bytes arrive (most bodies fit in it whole). */
    private static final int FIRST_READ_BYTES = 64 * 1024;

    private static final String JSON = MediaTypes.APPLICATION_JSON.text();

    private Requests() {
    }

    /**
     * The request body: JSON (or no content type), at most {@code limits.maxBodyBytes()}.
     *
     * @throws HttpException          415 for another content type, 413 for a larger body
     * @throws UploadAbortedException when the client closes the connection before the body is complete
     */
    static byte[] jsonBody(ServerRequest req, HttpLimits limits) {
        requireJson(req);
        byte[] body = body(req, limits);
        if (body.length == 0) {
            throw new BadRequestException("invalid_json", "the request has no body");
        }
        return body;
    }

    /** Checks the content type, when there is one: JSON. The usual header, {@code application/json} alone, is not parsed. */
    private static void requireJson(ServerRequest req) {
        if (!req.headers().contains(HeaderNames.CONTENT_TYPE)
                || req.headers().get(HeaderNames.CONTENT_TYPE).get().equalsIgnoreCase(JSON)) {
            return;
        }
        HttpMediaType type = req.headers().contentType().orElseThrow();
        if (!type.test(MediaTypes.APPLICATION_JSON)) {
            throw new HttpException("the body must be application/json, not " + type.text(), Status.UNSUPPORTED_MEDIA_TYPE_415, true);
        }
    }

    /** Whether the request says its body is of {@code mediaType} (parameters such as a charset aside). */
    static boolean hasType(ServerRequest req, String mediaType) {
        return req.headers().contentType().map(t -> t.mediaType().text().equalsIgnoreCase(mediaType)).orElse(false);
    }

    /**
     * The request body, whatever its type, at most {@code limits.maxBodyBytes()}; empty when there is none.
     *
     * @throws HttpException          413 for a larger body
     * @throws UploadAbortedException when the client closes the connection before the body is complete
     */
    static byte[] body(ServerRequest req, HttpLimits limits) {
        long max = limits.maxBodyBytes();
        OptionalLong declared = req.headers().contentLength();
        try (InputStream in = req.content().inputStream()) {
            if (declared.isPresent() && declared.getAsLong() > max) {
                throw tooLarge(max, in);
            }
            if (declared.isPresent()) {
                return declaredBody(in, (int) declared.getAsLong());
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1)); // up to one byte past the limit
            if (body.length > max) {
                throw tooLarge(max, in);
            }
            return body;
        } catch (DataReader.InsufficientDataAvailableException | IOException | UncheckedIOException e) {
            throw new UploadAbortedException(req.prologue().method().text() + " " + req.path().path(), e);
        }
    }

    /**
     * A body of {@code length} declared bytes, read straight into its array — which grows (doubling) as
     * the bytes arrive rather than being taken whole when the length is announced: uploads still on
     * their way would otherwise hold the heap their headers promised (1,024 requests in progress of
     * 8 MiB each: 8 GiB) before sending anything.
     */
    private static byte[] declaredBody(InputStream in, int length) throws IOException {
        byte[] body = new byte[Math.min(length, FIRST_READ_BYTES)];
        int read = 0;
        while (true) {
            read += in.readNBytes(body, read, body.length - read);
            if (read < body.length) {
                throw new EOFException("the body ended after " + read + " of its declared " + length + " bytes");
            }
            if (read == length) {
                return body;
            }
            body = Arrays.copyOf(body, (int) Math.min(length, 2L * body.length));
        }
    }

    /**
     * A 413, after reading and dropping up to another body limit of what the client sends:
     * closing a connection with unread bytes makes the OS reset it, and the client would lose the
     * answer.
     */
    private static HttpException tooLarge(long max, InputStream rest) throws IOException {
        long left = max;
        byte[] sink = new byte[64 * 1024];
        for (int n; left > 0 && (n = rest.read(sink, 0, (int) Math.min(sink.length, left))) > 0; ) {
            left -= n;
        }
        return tooLarge(max);
    }

    private static HttpException tooLarge(long max) {
        return new HttpException("the request body is larger than " + max + " bytes (MAX_BODY_BYTES)",
                Status.REQUEST_ENTITY_TOO_LARGE_413, true);
    }

    /** The partition named by the {@code partition} query parameter. */
    static PartitionKey partition(ServerRequest req) {
        return PartitionKey.of(required(req, "partition"));
    }

    static String required(ServerRequest req, String name) {
        return req.query().first(name).asOptional()
                .orElseThrow(() -> new BadRequestException("missing_parameter", "query parameter \"" + name + "\" is required"));
    }

    /** A whole-number query parameter in {@code [min, max]}, or {@code fallback} when absent. */
    static long number(ServerRequest req, String name, long fallback, long min, long max) {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty()) {
            if (fallback < min) {
                throw new BadRequestException("missing_parameter", "query parameter \"" + name + "\" is required");
            }
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.get().strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadRequestException("invalid_parameter", "query parameter \"" + name + "\" must be a whole number from "
                + min + " to " + max + ", not \"" + raw.get() + "\"");
    }
}
