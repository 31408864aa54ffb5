package storelog.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import storelog.api.DataType;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;

/**
 * Reading the HTTP API's answers (API.md §3) into the client's types. An answer that does not have
 * the documented shape is a {@link StoreLogClientException} with code
 * {@value StoreLogClientException#INVALID_RESPONSE}.
 */
final class Wire {

    private Wire() {
    }

    /** The {@code partition} query parameter, percent-encoded as UTF-8 ({@code %20} for a space, not {@code +}). */
    static String partitionParameter(String partition) {
        return "partition=" + URLEncoder.encode(Objects.requireNonNull(partition, "partition"), StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    /** A record object of {@code /read} and {@code /records}; {@code data} (base64) is authoritative. */
    static Record record(JsonNode json, ObjectMapper mapper) {
        String data = text(json, "data");
        byte[] bytes;
        DataType type;
        try {
            bytes = Base64.getDecoder().decode(data);
            type = DataType.fromCode((int) number(json, "data_type"));
        } catch (RuntimeException e) {
            throw invalid("a record has unusable data or data_type: " + e.getMessage());
        }
        return new Record(text(json, "partition_key"), number(json, "offset"), type, bytes,
                number(json, "timestamp"), mapper);
    }

    /** The answer of {@code /records}. */
    static Page page(JsonNode json, ObjectMapper mapper) {
        JsonNode records = json.path("records");
        if (!records.isArray()) {
            throw invalid("the answer has no \"records\" array");
        }
        List<Record> list = new ArrayList<>(records.size());
        for (JsonNode record : records) {
            list.add(record(record, mapper));
        }
        return new Page(list, number(json, "next_offset"));
    }

    /** The answer of {@code /partitions}. */
    static List<PartitionInfo> partitions(JsonNode json) {
        if (!json.isArray()) {
            throw invalid("the answer is not an array of partitions");
        }
        List<PartitionInfo> partitions = new ArrayList<>(json.size());
        for (JsonNode p : json) {
            partitions.add(new PartitionInfo(PartitionKey.of(text(p, "partition_key")), number(p, "next_offset"),
                    (int) number(p, "segments"), number(p, "bytes")));
        }
        return List.copyOf(partitions);
    }

    /** A whole-number field. */
    static long number(JsonNode json, String field) {
        JsonNode value = json.path(field);
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw invalid("the answer has no whole number \"" + field + "\"");
        }
        return value.asLong();
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.path(field);
        if (!value.isTextual()) {
            throw invalid("the answer has no string \"" + field + "\"");
        }
        return value.asText();
    }

    private static StoreLogClientException invalid(String message) {
        return new StoreLogClientException(200, StoreLogClientException.INVALID_RESPONSE, message, OptionalLong.empty(), null);
    }
}
