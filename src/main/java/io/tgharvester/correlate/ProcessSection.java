package io.tgharvester.correlate;

import static io.tgharvester.correlate.LenientValues.enterArray;
import static io.tgharvester.correlate.LenientValues.enterObject;
import static io.tgharvester.correlate.LenientValues.epochSeconds;
import static io.tgharvester.correlate.LenientValues.integer;
import static io.tgharvester.correlate.LenientValues.text;

import com.squareup.moshi.JsonReader;
import io.tgharvester.correlate.CorrelationRows.Process;
import io.tgharvester.correlate.CorrelationRows.RegistryKey;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code processes} section (analysis.json, its older {@code dynamic.processes}, or processes.json): processes keyed
 * by number, each with its registry activity in {@code registry_keys_<operation>} lists.
 */
final class ProcessSection {
    private static final String REGISTRY_PREFIX = "registry_keys_";

    private ProcessSection() {
    }

    static void read(JsonReader in, CorrelationSink sink) throws IOException {
        if (!enterObject(in)) {
            return;
        }
        while (in.hasNext()) {
            String key = in.nextName();
            process(key, in, sink);
        }
        in.endObject();
    }

    private static void process(String key, JsonReader in, CorrelationSink sink) throws IOException {
        if (!enterObject(in)) {
            return;
        }
        Optional<Integer> pid = Optional.empty();
        Optional<Integer> ppid = Optional.empty();
        Optional<String> name = Optional.empty();
        Optional<String> image = Optional.empty();
        Optional<String> commandLine = Optional.empty();
        Optional<String> because = Optional.empty();
        Optional<Instant> time = Optional.empty();
        // The pid may follow the registry lists, so their rows wait for the end of the process.
        List<String[]> registry = new ArrayList<>();
        while (in.hasNext()) {
            String field = in.nextName();
            switch (field) {
                case "pid" -> pid = integer(in);
                case "ppid" -> ppid = integer(in);
                case "process_name" -> name = text(in);
                case "analyzed_because" -> because = text(in);
                case "time" -> time = epochSeconds(in);
                case "image", "image_pathname" -> image = text(in);
                case "command_line" -> commandLine = text(in);
                case "startup_info" -> {
                    StartupInfo info = startupInfo(in);
                    if (info.image.isPresent()) {
                        image = info.image;
                    }
                    if (info.commandLine.isPresent()) {
                        commandLine = info.commandLine;
                    }
                }
                default -> {
                    if (field.startsWith(REGISTRY_PREFIX)) {
                        String operation = operation(field.substring(REGISTRY_PREFIX.length()));
                        for (String path : registryPaths(in)) {
                            registry.add(new String[] {path, operation});
                        }
                    } else {
                        in.skipValue();
                    }
                }
            }
        }
        in.endObject();
        sink.process(new Process(key, pid, ppid, name, image, commandLine, because, time));
        for (String[] entry : registry) {
            sink.registryKey(new RegistryKey(pid, entry[0], entry[1]));
        }
    }

    private static StartupInfo startupInfo(JsonReader in) throws IOException {
        StartupInfo info = new StartupInfo();
        if (!enterObject(in)) {
            return info;
        }
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "command_line" -> info.commandLine = text(in);
                case "image_pathname" -> info.image = text(in);
                default -> in.skipValue();
            }
        }
        in.endObject();
        return info;
    }

    /** Entries are key paths, or objects naming the key under {@code key}, {@code path} or {@code name}. */
    private static List<String> registryPaths(JsonReader in) throws IOException {
        List<String> paths = new ArrayList<>();
        if (!enterArray(in)) {
            return paths;
        }
        while (in.hasNext()) {
            if (in.peek() == JsonReader.Token.BEGIN_OBJECT) {
                in.beginObject();
                Optional<String> path = Optional.empty();
                while (in.hasNext()) {
                    switch (in.nextName()) {
                        case "key", "path", "name" -> path = text(in);
                        default -> in.skipValue();
                    }
                }
                in.endObject();
                path.filter(p -> !p.isBlank()).ifPresent(paths::add);
            } else {
                text(in).filter(p -> !p.isBlank()).ifPresent(paths::add);
            }
        }
        in.endArray();
        return paths;
    }

    /** Threat Grid says opened for a read; the column keeps created, modified, deleted, read. */
    private static String operation(String suffix) {
        return switch (suffix) {
            case "opened", "read", "queried" -> "read";
            default -> suffix;
        };
    }

    private static final class StartupInfo {
        private Optional<String> image = Optional.empty();
        private Optional<String> commandLine = Optional.empty();
    }
}
