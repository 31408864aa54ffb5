package storelog.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;

/** 405 with {@code Allow} for any other method on a known path (registered after the path's real routes). */
final class MethodNotAllowed {

    private MethodNotAllowed() {
    }

    static void register(HttpRules rules, String path, String allowed) {
        rules.any(path, (req, res) -> {
            res.header(HeaderNames.ALLOW, allowed);
            Json.sendError(res, Status.METHOD_NOT_ALLOWED_405, req.prologue().method().text() + " is not allowed on "
                    + path + "; use " + allowed, "method_not_allowed");
        });
    }
}
