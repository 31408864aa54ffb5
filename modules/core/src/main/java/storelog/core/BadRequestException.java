package storelog.core;

import storelog.api.StoreLogException;

/** A request or message that is not well-formed: bad JSON, too deep, a missing or mistyped field (HTTP 400). */
public final class BadRequestException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public BadRequestException(String code, String message) {
        super(message);
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }
}
