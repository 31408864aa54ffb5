package storelog.discovery.dns;

import java.util.List;
import java.util.stream.Collectors;
import org.xbill.DNS.Name;

/**
 * What one resolution found: the name that had records, a line per record for the log, and the seeds.
 *
 * @param name    the name the records belong to (the first name asked when none had any)
 * @param seeds   the seeds, without duplicates, in {@link Seed}'s order
 * @param records what was found, e.g. {@code SRV node1.example.com.:7946 -> [10.0.0.5]}, {@code A 10.0.0.6}
 */
record Answer(Name name, List<Seed> seeds, List<String> records) {

    Answer {
        seeds = List.copyOf(seeds);
        records = List.copyOf(records);
    }

    /** No name had records: {@code noSuchName} when every answer was NXDOMAIN. */
    static Answer empty(List<Name> asked, boolean noSuchName) {
        String names = asked.stream().map(Name::toString).collect(Collectors.joining(", "));
        return new Answer(asked.getFirst(), List.of(),
                List.of((noSuchName ? "NXDOMAIN (no such name): " : "no SRV, A or AAAA records: ") + names));
    }

    /** The seeds as {@code host:port} strings. */
    List<String> seedStrings() {
        return seeds.stream().map(Seed::toString).toList();
    }

    @Override
    public String toString() {
        return name + ": " + String.join("; ", records) + " => seeds " + seedStrings();
    }
}
