package storelog.core;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * Which of Jackson's {@link StreamReadConstraints} a request broke, as a 400 with a code of its own.
 * Jackson's exception carries no kind, but its message names the constraint's getter
 * ({@code StreamReadConstraints.getMaxNumberLength()}), which is stable API; {@code WireFormatTest}
 * checks every kind, so a Jackson that words it differently fails the build, not a user.
 */
final class JsonLimits {

    private JsonLimits() {
    }

    static BadRequestException exceeded(StreamConstraintsException e, StreamReadConstraints limits) {
        String what = e.getMessage() == null ? "" : e.getMessage();
        if (what.contains("getMaxNestingDepth")) {
            return new BadRequestException("json_too_deep", "the JSON nests deeper than " + limits.getMaxNestingDepth()
                    + " levels (MAX_JSON_DEPTH)");
        }
        if (what.contains("getMaxNumberLength")) {
            return new BadRequestException("number_too_long", "a number in the JSON is longer than "
                    + limits.getMaxNumberLength() + " characters");
        }
        if (what.contains("getMaxStringLength")) {
            return new BadRequestException("string_too_long", "a string in the JSON is longer than "
                    + limits.getMaxStringLength() + " characters");
        }
        if (what.contains("getMaxNameLength")) {
            return new BadRequestException("name_too_long", "a field name in the JSON is longer than "
                    + limits.getMaxNameLength() + " characters");
        }
        if (what.contains("getMaxTokenCount")) {
            return new BadRequestException("json_too_large", "the JSON has more than " + limits.getMaxTokenCount() + " tokens");
        }
        if (what.contains("getMaxDocumentLength")) {
            return new BadRequestException("json_too_large", "the JSON is longer than " + limits.getMaxDocumentLength() + " bytes");
        }
        return new BadRequestException("json_too_large", "the JSON exceeds a parser limit: " + what.lines().findFirst().orElse(""));
    }
}
