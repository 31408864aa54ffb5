package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Lists one directory through {@link LocalDisk#list} and prints what it got: {@code listed N}, or {@code threw E}. */
final class ListingChild {

    private ListingChild() {
    }

    public static void main(String[] args) {
        try {
            List<Path> entries = new LocalDisk().list(Path.of(args[0]));
            System.out.println("listed " + entries.size());
        } catch (IOException e) {
            System.out.println("threw " + e);
        }
    }
}
