package storelog.http;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import storelog.api.Record;

/**
 * A record as {@code /read} and {@code /records} return it (GoStoreLog wire-compatible):
 * <pre>
 * {"offset": n, "data": "&lt;base64 of the stored bytes&gt;", "data_type": t, "partition_key": k,
 *  "value": &lt;decoded&gt;, "timestamp": ms}
 * </pre>
 * {@code value} is the natural form: the JSON value itself (type 0), the string (type 2), base64
 * again (type 1).
 */
final class RecordJson {

    private RecordJson() {
    }

    static void write(JsonGenerator json, Record record) throws IOException {
        json.writeStartObject();
        json.writeNumberField("offset", record.offset());
        json.writeFieldName("data");
        json.writeBinary(record.payload());
        json.writeNumberField("data_type", record.type().code());
        json.writeStringField("partition_key", record.partition().value());
        json.writeFieldName("value");
        switch (record.type()) {
            case JSON -> json.writeRawValue(record.text()); // checked to be one JSON value when stored
            case STRING -> json.writeString(record.text());
            case BYTES -> json.writeBinary(record.payload());
        }
        json.writeNumberField("timestamp", record.timestamp());
        json.writeEndObject();
    }
}
