package storelog.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writing JSON responses with Jackson's streaming generator: no object mapping, no reflection. */
final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /** What writes one response body. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    /** Sends {@code body} as {@code application/json} with {@code status}. */
    static void send(ServerResponse res, Status status, Body body) {
        send(res, status, bytes(body));
    }

    /** Sends {@code json}, a JSON text already written, as {@code application/json} with {@code status}. */
    static void send(ServerResponse res, Status status, byte[] json) {
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(json);
    }

    static byte[] bytes(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code {"error": message, "code": code}} plus whatever {@code extra} adds. */
    static byte[] error(String message, String code, Body extra) {
        return bytes(json -> {
            json.writeStartObject();
            json.writeStringField("error", message);
            json.writeStringField("code", code);
            if (extra != null) {
                extra.write(json);
            }
            json.writeEndObject();
        });
    }

    static void sendError(ServerResponse res, Status status, String message, String code) {
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(error(message, code, null));
    }
}
