package io.tgharvester.correlate;

import static io.tgharvester.correlate.JsonObjects.eachElement;
import static io.tgharvester.correlate.JsonObjects.eachField;
import static io.tgharvester.correlate.JsonObjects.eachMember;
import static io.tgharvester.correlate.LenientValues.epochSeconds;
import static io.tgharvester.correlate.LenientValues.integer;
import static io.tgharvester.correlate.LenientValues.text;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonReader.Options;
import io.tgharvester.correlate.CorrelationRows.Process;
import io.tgharvester.correlate.ProcessRows.RegistryAccess;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A {@code processes} section (analysis.json's {@code dynamic.processes}, or processes.json): processes keyed by
 * number, each with its registry activity in {@code registry_keys_<operation>} lists.
 */
final class ProcessSection {
    private static final List<String> FIELDS = List.of("pid", "ppid", "process_name", "analyzed_because", "time",
            "startup_info");
    /** The suffixes of the {@code registry_keys_*} lists, each read after {@link #FIELDS}. */
    private static final List<String> REGISTRY_LISTS = List.of("created", "modified", "deleted", "opened", "read",
            "queried");
    private static final Options PROCESS = Options.of(Stream.concat(FIELDS.stream(),
            REGISTRY_LISTS.stream().map(suffix -> "registry_keys_" + suffix)).toArray(String[]::new));
    private static final Options STARTUP_INFO = Options.of("command_line", "image_pathname");
    /** A registry entry is a key path, or an object naming the key ({@code name} in Threat Grid's reports). */
    private static final Options REGISTRY_ENTRY = Options.of("name", "key", "path");

    private ProcessSection() {
    }

    static void read(JsonReader in, ProcessRows rows) throws IOException {
        eachMember(in, key -> process(key, in, rows));
    }

    private static void process(String key, JsonReader in, ProcessRows rows) throws IOException {
        Fields p = new Fields();
        boolean isProcess = eachField(in, PROCESS, field -> {
            switch (field) {
                case 0 -> p.pid = integer(in);
                case 1 -> p.ppid = integer(in);
                case 2 -> p.name = text(in);
                case 3 -> p.because = text(in);
                case 4 -> p.time = epochSeconds(in);
                case 5 -> eachField(in, STARTUP_INFO, info -> {
                    if (info == 0) {
                        p.commandLine = text(in);
                    } else {
                        p.image = text(in);
                    }
                });
                default -> {
                    String operation = operation(REGISTRY_LISTS.get(field - FIELDS.size()));
                    eachElement(in, () -> registryPath(in).ifPresent(
                            path -> p.registry.add(new RegistryAccess(path, operation))));
                }
            }
        });
        if (isProcess) {
            rows.add(new Process(key, p.pid, p.ppid, p.name, p.image, p.commandLine, p.because, p.time), p.registry);
        }
    }

    private static Optional<String> registryPath(JsonReader in) throws IOException {
        if (in.peek() != JsonReader.Token.BEGIN_OBJECT) {
            return text(in).filter(path -> !path.isBlank());
        }
        List<String> named = new ArrayList<>(1);
        eachField(in, REGISTRY_ENTRY, field -> text(in).ifPresent(named::add));
        return named.stream().filter(path -> !path.isBlank()).findFirst();
    }

    /** Threat Grid says opened for a read; the column keeps created, modified, deleted, read. */
    private static String operation(String suffix) {
        return switch (suffix) {
            case "opened", "queried" -> "read";
            default -> suffix;
        };
    }

    /** One process as far as it was read; its registry rows wait for the end of the process to learn its pid. */
    private static final class Fields {
        private Optional<Integer> pid = Optional.empty();
        private Optional<Integer> ppid = Optional.empty();
        private Optional<String> name = Optional.empty();
        private Optional<String> image = Optional.empty();
        private Optional<String> commandLine = Optional.empty();
        private Optional<String> because = Optional.empty();
        private Optional<Instant> time = Optional.empty();
        private final Set<RegistryAccess> registry = new LinkedHashSet<>();
    }
}
