package storelog.client;

import java.util.List;

/**
 * One answer of {@code GET /records}: the records in offset order and the offset to ask from next.
 *
 * @param records    the records, possibly none
 * @param nextOffset the offset after the last record (the requested one when there is none)
 */
record Page(List<Record> records, long nextOffset) {

    Page {
        records = List.copyOf(records);
    }
}
